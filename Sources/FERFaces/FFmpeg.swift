import Foundation

/// Finding and running the system's ffmpeg tools. Video goes through ffmpeg as a separate
/// process (frames over pipes) rather than a linked library: any format the installed
/// ffmpeg reads works, and nothing of it is built into fer-cl.
enum FFmpeg {
    /// The executable `name` ("ffmpeg", "ffprobe") on PATH, or an error saying how to install it.
    static func tool(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(VideoError) -> URL {
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in folders where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw VideoError(.ffmpegMissing, path: "",
                         reason: "video needs \(name), which is not on PATH: install it with `apt-get install ffmpeg` (or `sudo apt-get install ffmpeg`)")
    }

    /// A running tool whose standard error goes to a temporary file (read at the end for the
    /// message; a file, not a pipe, so a talkative ffmpeg can never block on it).
    static func start(_ name: String, _ arguments: [String], path: String, stdin: Pipe? = nil, stdout: Pipe? = nil,
                      failure kind: VideoError.Kind) throws(VideoError) -> (Process, URL) {
        let process = Process()
        process.executableURL = try tool(name)
        process.arguments = arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("fer-cl-\(name)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        do {
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardInput = stdin ?? FileHandle.nullDevice
            process.standardOutput = stdout ?? FileHandle.nullDevice
            try process.run()
        } catch {
            throw VideoError(kind, path: path, reason: "could not start \(name): \(error.localizedDescription)")
        }
        return (process, log)
    }

    /// What a finished tool wrote to standard error (last lines), and the log file removed.
    static func message(_ log: URL) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: log)
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.suffix(3).joined(separator: "; ")
    }
}
