import FERData
import Foundation

/// Writes RGB frames to a video file through an ffmpeg encoder reading raw frames from a pipe.
/// The container and codec follow the file's extension as ffmpeg chooses them (H.264 for
/// `.mp4` where ffmpeg has libx264); sizes are padded to even numbers and the common
/// containers get 4:2:0 chroma, which players expect and H.264 needs even sizes for.
public final class VideoWriter {
    public let path: String
    public let width, height: Int
    private let process: Process
    private let log: URL
    private let input: FileHandle
    private var closed = false

    public init(path: String, width: Int, height: Int, framesPerSecond: Double) throws(VideoError) {
        self.path = path; self.width = width; self.height = height
        // A dying encoder must surface as an error from write, not kill fer-cl with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let planar = ["mp4", "m4v", "mov", "mkv", "avi", "webm"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
        let pipe = Pipe()
        (process, log) = try FFmpeg.start("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                                                      "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-r", "\(framesPerSecond)", "-i", "-",
                                                      "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"] + (planar ? ["-pix_fmt", "yuv420p"] : []) + [path],
                                          path: path, stdin: pipe, failure: .unwritable)
        input = pipe.fileHandleForWriting
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Appends one frame; its size must be the writer's.
    public func write(_ frame: RGBImage) throws(VideoError) {
        guard frame.width == width, frame.height == height else {
            throw VideoError(.unwritable, path: path, reason: "frame of \(frame.width)x\(frame.height) in a \(width)x\(height) video")
        }
        do {
            try input.write(contentsOf: Data(frame.pixels))
        } catch {
            try? input.close()
            process.waitUntilExit()
            throw VideoError(.unwritable, path: path, reason: "ffmpeg stopped encoding: \(FFmpeg.message(log))")
        }
    }

    /// Ends the stream and waits for ffmpeg to finish the file.
    public func finish() throws(VideoError) {
        guard !closed else { return }
        closed = true
        try? input.close()
        process.waitUntilExit()
        let message = FFmpeg.message(log)
        guard process.terminationStatus == 0 else {
            throw VideoError(.unwritable, path: path, reason: "ffmpeg could not encode it (exit \(process.terminationStatus)): \(message)")
        }
    }
}
