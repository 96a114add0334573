import FERData
import Foundation

/// The frames of a video (a file in any format the system's ffmpeg reads, or a device such as
/// a webcam's `/dev/video0`) as RGB images, sampled at a constant `framesPerSecond`.
///
/// ffmpeg decodes and resamples in time (`-vf fps=N`: frame k is the picture shown at k/N s)
/// and writes each frame as a PAM image to a pipe; PAM carries its own size, so a phone clip
/// that ffmpeg turns upright by its rotation tag arrives with its turned size. Without a rate,
/// ffprobe reads the stream's own average rate (which also checks the file early, with
/// ffprobe's message when it is not a video).
public final class VideoReader {
    public let path: String
    public let framesPerSecond: Double
    private let process: Process
    private let log: URL
    private let output: FileHandle
    /// Frames read so far.
    public private(set) var count = 0

    public init(path: String, framesPerSecond rate: Double? = nil) throws(VideoError) {
        self.path = path
        if !path.hasPrefix("/dev/") && !FileManager.default.isReadableFile(atPath: path) {
            throw VideoError(.unreadable, path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions)" : "no such file")
        }
        if let rate { framesPerSecond = rate } else { framesPerSecond = try Self.probeRate(path) }
        let pipe = Pipe()
        (process, log) = try FFmpeg.start("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", path, "-an", "-sn",
                                                      "-vf", "fps=\(framesPerSecond)", "-f", "image2pipe", "-c:v", "pam", "-pix_fmt", "rgb24", "-"],
                                          path: path, stdout: pipe, failure: .unreadable)
        output = pipe.fileHandleForReading
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// The time of frame `index` in seconds from the start.
    public func time(ofFrame index: Int) -> Double { Double(index) / framesPerSecond }

    /// The next frame, or nil at the end of the video. A video ffmpeg cannot decode ends with
    /// an error carrying ffmpeg's message.
    public func next() throws(VideoError) -> RGBImage? {
        guard let header = try readHeader() else {
            process.waitUntilExit()
            let message = FFmpeg.message(log)
            if process.terminationStatus != 0 {
                throw VideoError(.unreadable, path: path, reason: "ffmpeg could not read it (exit \(process.terminationStatus)): \(message)")
            }
            if count == 0 { throw VideoError(.unreadable, path: path, reason: "ffmpeg found no video frames in it" + (message.isEmpty ? "" : ": \(message)")) }
            return nil
        }
        let size = header.width * header.height * 3
        let body = output.readData(ofLength: size)
        guard body.count == size else { throw VideoError(.badStream, path: path, reason: "frame \(count) ends after \(body.count) of \(size) bytes") }
        count += 1
        return RGBImage(width: header.width, height: header.height, pixels: [UInt8](body))
    }

    /// One PAM header ("P7", WIDTH, HEIGHT, DEPTH 3, MAXVAL 255, TUPLTYPE RGB, ENDHDR), or nil at end of stream.
    private func readHeader() throws(VideoError) -> (width: Int, height: Int)? {
        var text = ""
        while !text.hasSuffix("ENDHDR\n") {
            let byte = output.readData(ofLength: 1)
            guard let character = byte.first else {
                if text.isEmpty { return nil }
                throw VideoError(.badStream, path: path, reason: "ffmpeg's output ends inside the header of frame \(count)")
            }
            text.append(Character(UnicodeScalar(character)))
            if text.count > 200 { break }
        }
        var fields: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Int(parts[1]) { fields[String(parts[0])] = value }
        }
        guard text.hasPrefix("P7"), let width = fields["WIDTH"], let height = fields["HEIGHT"], width > 0, height > 0,
              fields["DEPTH"] == 3, fields["MAXVAL"] == 255 else {
            throw VideoError(.badStream, path: path, reason: "frame \(count) is not an 8-bit RGB PAM image: \(text.prefix(80).debugDescription)")
        }
        return (width, height)
    }

    /// The stream's average frame rate, from ffprobe (25 when the container does not say).
    static func probeRate(_ path: String) throws(VideoError) -> Double {
        let pipe = Pipe()
        let (process, log) = try FFmpeg.start("ffprobe", ["-hide_banner", "-loglevel", "error", "-select_streams", "v:0",
                                                          "-show_entries", "stream=avg_frame_rate,r_frame_rate", "-of", "default=noprint_wrappers=1", path],
                                              path: path, stdout: pipe, failure: .unreadable)
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let message = FFmpeg.message(log)
        guard process.terminationStatus == 0 else {
            throw VideoError(.unreadable, path: path, reason: "ffprobe could not read it: \(message.isEmpty ? "exit \(process.terminationStatus)" : message)")
        }
        var rates: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let fraction = parts[1].split(separator: "/").compactMap { Double($0) }
            if fraction.count == 2, fraction[1] > 0, fraction[0] > 0 { rates[parts[0]] = fraction[0] / fraction[1] }
        }
        guard !text.isEmpty else { throw VideoError(.unreadable, path: path, reason: "ffprobe found no video stream in it") }
        return rates["avg_frame_rate"] ?? rates["r_frame_rate"] ?? 25
    }
}
