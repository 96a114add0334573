/// What a file is, told from its first bytes, so that a file passed where another kind is
/// expected ("a JPEG given as --model") gets a message naming what it is instead of whatever the
/// expected reader trips over first (a safetensors header length of 5e18, a CSV without an
/// `emotion` column).
///
/// Only signatures are used: extensions lie (FER-2013 mirrors ship PNGs named `.jpg`).
public enum FileKind: Equatable, Sendable {
    case jpeg, png
    /// Image formats fer-cl recognises but does not decode.
    case bmp, gif, webp, tiff
    /// A safetensors file: an 8-byte little-endian header length, then a JSON header `{"`.
    case safetensors
    /// XML (an OpenCV cascade, an SVG, an HTML page with an XML prologue).
    case xml
    case html
    /// A video container (MP4/MOV `ftyp`, Matroska/WebM, AVI, MPEG program stream).
    case video
    case zip, gzip
    /// A PDF document.
    case pdf
    /// Text that is not one of the above (a CSV, JSON, a script).
    case text
    /// Bytes that match no known signature.
    case unknown
    /// A file with no bytes.
    case empty

    /// The kind of a file whose first bytes are `bytes` (the first 64 are looked at).
    public init(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(64))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset ..< offset + signature.count]) == signature
        }
        func startsWithText(_ text: String) -> Bool { starts(Array(text.utf8)) }
        if head.isEmpty {
            self = .empty
        } else if starts([0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if starts([0x42, 0x4D]) && head.count >= 14 {
            self = .bmp
        } else if startsWithText("GIF87a") || startsWithText("GIF89a") {
            self = .gif
        } else if startsWithText("RIFF") && starts(Array("WEBP".utf8), at: 8) {
            self = .webp
        } else if startsWithText("RIFF") && starts(Array("AVI ".utf8), at: 8) {
            self = .video
        } else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) {
            self = .tiff
        } else if starts(Array("ftyp".utf8), at: 4) || starts([0x1A, 0x45, 0xDF, 0xA3]) || starts([0x00, 0x00, 0x01, 0xBA]) {
            self = .video
        } else if starts([0x50, 0x4B, 0x03, 0x04]) {
            self = .zip
        } else if starts([0x1F, 0x8B]) {
            self = .gzip
        } else if startsWithText("%PDF") {
            self = .pdf
        } else if FileKind.isSafetensorsHeader(head) {
            self = .safetensors
        } else if let text = FileKind.leadingText(head) {
            let lower = text.lowercased()
            if lower.hasPrefix("<?xml") || lower.hasPrefix("<opencv_storage") || lower.hasPrefix("<svg") {
                self = .xml
            } else if lower.hasPrefix("<!doctype html") || lower.hasPrefix("<html") {
                self = .html
            } else {
                self = .text
            }
        } else {
            self = .unknown
        }
    }

    /// The kind of the file at `path`, from its first bytes; nil when it cannot be opened.
    public static func of(path: String) -> FileKind? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = fread(&buffer, 1, buffer.count, handle)
        return FileKind(sniffing: buffer.prefix(count))
    }

    /// "a JPEG image", "a safetensors file", ... for messages such as "this is a JPEG image, not a model file".
    public var description: String {
        switch self {
        case .jpeg: "a JPEG image"
        case .png: "a PNG image"
        case .bmp: "a BMP image"
        case .gif: "a GIF image"
        case .webp: "a WebP image"
        case .tiff: "a TIFF image"
        case .safetensors: "a safetensors file (a model or checkpoint)"
        case .xml: "an XML file"
        case .html: "an HTML page"
        case .video: "a video file"
        case .zip: "a ZIP archive"
        case .gzip: "a gzip archive"
        case .pdf: "a PDF document"
        case .text: "a text file"
        case .unknown: "a binary file of no known kind"
        case .empty: "an empty file"
        }
    }

    /// Image formats this build can decode.
    public var isDecodableImage: Bool { self == .jpeg || self == .png }
    /// Image formats that are recognised but not decoded.
    public var isUnsupportedImage: Bool { [.bmp, .gif, .webp, .tiff].contains(self) }

    /// A safetensors file starts with its header length (little-endian UInt64, far below 2^32
    /// in practice) followed by the JSON header's `{`.
    private static func isSafetensorsHeader(_ head: [UInt8]) -> Bool {
        guard head.count >= 9, head[8] == UInt8(ascii: "{") else { return false }
        let length = head[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        return length > 1 && length < 1 << 32
    }

    /// The bytes as text when they look like text: valid UTF-8 (a cut multi-byte character at
    /// the end allowed) with no control characters besides tab, newline and carriage return.
    private static func leadingText(_ head: [UInt8]) -> String? {
        var bytes = head
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        while let last = bytes.last, last & 0xC0 == 0x80 || last >= 0xC0 { bytes.removeLast() }
        guard !bytes.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
              let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return text.trimmingLeadingWhitespace()
    }
}

private extension String {
    func trimmingLeadingWhitespace() -> String { String(drop(while: { $0.isWhitespace })) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
