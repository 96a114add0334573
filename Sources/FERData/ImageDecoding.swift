import CImageCodecs

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The container formats the readers accept, told apart by their first bytes.
///
/// Extensions lie (FER-2013 mirrors ship PNGs named `.jpg`), so the format is always
/// taken from the signature: JPEG starts with the SOI marker FF D8 followed by another
/// marker FF; PNG with its fixed 8-byte signature.
public enum ImageFormat: String, Sendable {
    case jpeg
    case png

    public init?(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(8))
        if head.count >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF {
            self = .jpeg
        } else if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            self = .png
        } else {
            return nil
        }
    }
}

/// Decodes a JPEG or PNG to grayscale at its own size.
///
/// JPEGs are turned upright as their EXIF orientation tag says.
/// Colour images become BT.601 luma (0.299 R + 0.587 G + 0.114 B), which is what
/// FER-2013's own grayscale images were made with, whichever container they arrive in.
/// `path` is only used to name the file in errors.
public func decodeGrayImage(_ bytes: [UInt8], path: String) throws(DataError) -> GrayImage {
    let decoded = try decodePixels(bytes, channels: 1, path: path)
    return GrayImage(width: decoded.width, height: decoded.height, pixels: decoded.pixels)
}

/// Decodes a JPEG or PNG to 8-bit RGB at its own size, upright by EXIF as `decodeGrayImage`
/// (its luma is not bit-identical to `decodeGrayImage`'s for JPEGs: that keeps the stored Y).
/// For drawing on: `predict --annotate` marks the faces on the colour picture.
public func decodeRGBImage(_ bytes: [UInt8], path: String) throws(DataError) -> RGBImage {
    let decoded = try decodePixels(bytes, channels: 3, path: path)
    return RGBImage(width: decoded.width, height: decoded.height, pixels: decoded.pixels)
}

/// Reads and decodes an image file to RGB at its own size.
public func decodeRGBImage(atPath path: String) throws(DataError) -> RGBImage {
    try decodeRGBImage(try FileAccess.read(path), path: path)
}

/// The decoded pixels, `channels` (1: luma, 3: RGB) bytes each, turned upright as a JPEG's EXIF
/// orientation tag says.
private func decodePixels(_ bytes: [UInt8], channels: Int32, path: String) throws(DataError) -> (width: Int, height: Int, pixels: [UInt8]) {
    if bytes.isEmpty { throw DataError(.notAnImage, path: path, reason: "file is empty") }
    guard let format = ImageFormat(sniffing: bytes) else {
        let kind = FileKind(sniffing: bytes)
        if kind.isUnsupportedImage {
            throw DataError(.unsupportedImageFormat, path: path,
                            reason: "this is \(kind.description), a format fer-cl does not decode: convert it to PNG or JPEG")
        }
        if kind != .unknown {
            throw DataError(.notAnImage, path: path, reason: "this is \(kind.description), not an image (fer-cl reads JPEG and PNG)")
        }
        throw DataError(.notAnImage, path: path, reason: "not an image: starts with \(hexPrefix(bytes)), expected a JPEG or PNG signature")
    }
    if format == .png, let problem = pngTruncation(bytes) {
        throw DataError(.truncatedImage, path: path, reason: "truncated PNG: \(problem)")
    }

    var out: UnsafeMutablePointer<UInt8>? = nil
    var width: Int32 = 0, height: Int32 = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = bytes.withUnsafeBufferPointer { data in
        message.withUnsafeMutableBufferPointer { err in
            switch format {
            case .jpeg: fer_decode_jpeg(data.baseAddress, data.count, channels, &out, &width, &height, err.baseAddress, err.count)
            case .png: fer_decode_png(data.baseAddress, data.count, channels, &out, &width, &height, err.baseAddress, err.count)
            }
        }
    }
    let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let name = format == .jpeg ? "JPEG" : "PNG"
    switch Int(status) {
    case FER_CODEC_OK:
        break
    case FER_CODEC_TRUNCATED:
        throw DataError(.truncatedImage, path: path, reason: "truncated \(name): \(detail)")
    case FER_CODEC_CORRUPT:
        throw DataError(.corruptImage, path: path, reason: "corrupt \(name) data: \(detail)")
    case FER_CODEC_TOO_LARGE:
        throw DataError(.imageTooLarge, path: path, reason: "\(name) too large to decode: \(detail)")
    default:
        throw DataError(.notAnImage, path: path, reason: "not a decodable \(name): \(detail)")
    }
    guard let pixelsPointer = out else {
        throw DataError(.notAnImage, path: path, reason: "\(name) decoder returned no pixels")
    }
    defer { free(pixelsPointer) }
    let w = Int(width), h = Int(height)
    guard w > 0 && h > 0 else { throw DataError(.notAnImage, path: path, reason: "\(name) has zero size") }
    let pixels = Array(UnsafeBufferPointer(start: pixelsPointer, count: w * h * Int(channels)))
    // A camera's JPEG is stored as the sensor saw it; EXIF says how to turn it upright.
    if format == .jpeg, let orientation = ExifOrientation.of(jpeg: bytes), orientation != 1 {
        return ExifOrientation.orient(pixels, width: w, height: h, channels: Int(channels), orientation)
    }
    return (w, h, pixels)
}

/// Reads and decodes an image file to grayscale at its own size.
public func decodeGrayImage(atPath path: String) throws(DataError) -> GrayImage {
    try decodeGrayImage(try FileAccess.read(path), path: path)
}

/// Reads an image file and returns it as a 48 × 48 FER-2013 input (2,304 bytes).
///
/// Any size and either colour model is accepted; see `GrayImage.resized` for the filter.
public func loadFERImage(atPath path: String) throws(DataError) -> [UInt8] {
    try decodeGrayImage(atPath: path).resized(width: Dataset.side, height: Dataset.side).pixels
}

/// Why a PNG stream stops early, or `nil` if its chunk structure reaches IEND.
///
/// libpng reports a short stream with a generic read error that is hard to tell apart
/// from other damage, so the chunk layout (length, type, data, CRC, repeated until
/// IEND) is walked here first to give "truncated" its own, precise diagnosis.
private func pngTruncation(_ bytes: [UInt8]) -> String? {
    var offset = 8
    while true {
        if offset + 8 > bytes.count {
            return "stream ends at byte \(bytes.count) before the IEND chunk"
        }
        let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        let type = bytes[offset + 4 ..< offset + 8]
        let end = offset + 8 + length + 4
        if end > bytes.count {
            let typeName = String(decoding: type, as: UTF8.self)
            return "chunk \(typeName) needs bytes up to \(end), file has \(bytes.count)"
        }
        if type.elementsEqual("IEND".utf8) { return nil }
        offset = end
    }
}

private func hexPrefix(_ bytes: [UInt8]) -> String {
    bytes.prefix(4).map { byte in
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }.joined(separator: " ")
}
