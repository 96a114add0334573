/// Why a dataset or image could not be read.
///
/// Every error names where the problem is (`path`, plus the 1-based `line` for CSV input,
/// with the header as line 1) so that a bad record among 35,887 can be found with an
/// editor instead of a debugger. `kind` lets callers and tests branch without parsing
/// the message.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The path does not exist.
        case pathNotFound
        /// The path exists but is neither a CSV file nor a recognised folder layout.
        case unrecognizedLayout
        /// A file could not be opened or read (permissions, I/O error, a directory).
        case unreadableFile
        /// A CSV header lacks a required column (`emotion`, `pixels`, `Usage`).
        case missingColumn
        /// A CSV row does not have as many fields as the header.
        case malformedRow
        /// A CSV row's pixel list does not hold exactly 48 × 48 values.
        case wrongPixelCount
        /// A pixel token is not a decimal integer.
        case nonNumericPixel
        /// A pixel value is outside 0...255.
        case pixelOutOfRange
        /// An emotion label is not an integer in 0...6.
        case badLabel
        /// A `Usage` value is not Training, PublicTest or PrivateTest.
        case unknownUsage
        /// The file's bytes are not an image, or the codec rejected them.
        case notAnImage
        /// A recognised image format that fer-cl does not decode (BMP, GIF, WebP, TIFF).
        case unsupportedImageFormat
        /// The image data stops before the image is complete.
        case truncatedImage
        /// The image decodes, but its compressed data is damaged.
        case corruptImage
        /// The image is larger than the decoder will allocate for.
        case imageTooLarge
        /// A folder among the class folders is not a FER-2013 class name.
        case unknownClassFolder
        /// The requested split is not present at this location.
        case missingSplit
        /// Nothing was left to load (no records, or every record was bad).
        case emptyDataset
        /// Writing an output file failed.
        case writeFailed
        /// A caller passed arguments that cannot describe an image.
        case invalidArgument
    }

    public let kind: Kind
    /// The file or folder the problem is in.
    public let path: String
    /// 1-based line number for CSV input (header = line 1); `nil` otherwise.
    public let line: Int?
    /// What is wrong, in words.
    public let reason: String

    public init(_ kind: Kind, path: String, line: Int? = nil, reason: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `path:line: reason`, the format compilers use, so terminals and editors link it.
    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}
