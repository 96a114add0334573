/// Why a video could not be read or written. The message names the file and carries what
/// ffmpeg said, since ffmpeg knows far better than fer-cl why a container will not open.
public struct VideoError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// ffmpeg (or ffprobe) is not on PATH.
        case ffmpegMissing
        /// ffmpeg could not open or decode the input.
        case unreadable
        /// ffmpeg could not encode the annotated output.
        case unwritable
        /// ffmpeg's output was not the frames it was asked for.
        case badStream
    }

    public let kind: Kind
    public let path: String
    public let reason: String

    public init(_ kind: Kind, path: String, reason: String) {
        self.kind = kind; self.path = path; self.reason = reason
    }

    public var description: String {
        kind == .ffmpegMissing ? reason : "video \(path): \(reason)"
    }
}
