/// Why a cascade file could not be used. The message names the file, and the line where the
/// XML itself is broken, so that a user can tell a truncated download from a wrong file.
public struct CascadeError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The file does not exist or cannot be read.
        case unreadable
        /// The bytes are not well-formed XML (or not XML at all).
        case malformedXML
        /// Well-formed XML that is not an OpenCV cascade, or lacks a required element.
        case notACascade
        /// An OpenCV cascade of a kind fer-cl does not evaluate (LBP, trees deeper than a stump, tilted features).
        case unsupported
    }

    public let kind: Kind
    public let path: String
    /// 1-based line of the problem in the file, when known.
    public let line: Int?
    public let reason: String

    public init(_ kind: Kind, path: String, line: Int? = nil, reason: String) {
        self.kind = kind; self.path = path; self.line = line; self.reason = reason
    }

    public var description: String {
        "cascade \(path)" + (line.map { " line \($0)" } ?? "") + ": \(reason)"
    }
}
