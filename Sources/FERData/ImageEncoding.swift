import CImageCodecs

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes a grayscale image of any size as PNG (lossless: what `fer-cl inspect --grid`
/// writes, so the grid shows the exact bytes the network sees).
public func encodePNG(gray: [UInt8], width: Int, height: Int) throws(DataError) -> [UInt8] {
    try encode(gray, width: width, height: height, channels: 1, format: "PNG") { pixels, out, size, err, errlen in
        fer_encode_png(pixels, Int32(width), Int32(height), 1, out, size, err, errlen)
    }
}

/// Encodes an interleaved RGB image (3 bytes per pixel) as PNG.
public func encodePNG(rgb: [UInt8], width: Int, height: Int) throws(DataError) -> [UInt8] {
    try encode(rgb, width: width, height: height, channels: 3, format: "PNG") { pixels, out, size, err, errlen in
        fer_encode_png(pixels, Int32(width), Int32(height), 3, out, size, err, errlen)
    }
}

/// Encodes a grayscale image as a baseline JPEG (lossy; for fixtures and exports).
public func encodeJPEG(gray: [UInt8], width: Int, height: Int, quality: Int = 90) throws(DataError) -> [UInt8] {
    try encode(gray, width: width, height: height, channels: 1, format: "JPEG") { pixels, out, size, err, errlen in
        fer_encode_jpeg(pixels, Int32(width), Int32(height), 1, Int32(quality), out, size, err, errlen)
    }
}

/// Encodes an interleaved RGB image as a baseline YCbCr JPEG.
public func encodeJPEG(rgb: [UInt8], width: Int, height: Int, quality: Int = 90) throws(DataError) -> [UInt8] {
    try encode(rgb, width: width, height: height, channels: 3, format: "JPEG") { pixels, out, size, err, errlen in
        fer_encode_jpeg(pixels, Int32(width), Int32(height), 3, Int32(quality), out, size, err, errlen)
    }
}

/// Writes a grayscale image as a PNG file.
public func writePNG(gray: [UInt8], width: Int, height: Int, to path: String) throws(DataError) {
    do {
        try FileAccess.write(try encodePNG(gray: gray, width: width, height: height), to: path)
    } catch {
        throw error.kind == .invalidArgument ? DataError(.invalidArgument, path: path, reason: error.reason) : error
    }
}

private typealias EncodeCall = (
    UnsafePointer<UInt8>, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
    UnsafeMutablePointer<CChar>, Int
) -> Int32

private func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int, format: String,
                    _ call: EncodeCall) throws(DataError) -> [UInt8] {
    guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max),
          pixels.count == width * height * channels else {
        throw DataError(.invalidArgument, path: "<memory>",
                        reason: "\(format): \(pixels.count) bytes do not describe a \(width)x\(height) image with \(channels) channel(s)")
    }
    var out: UnsafeMutablePointer<UInt8>? = nil
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = pixels.withUnsafeBufferPointer { data in
        message.withUnsafeMutableBufferPointer { err in
            call(data.baseAddress!, &out, &size, err.baseAddress!, err.count)
        }
    }
    guard Int(status) == FER_CODEC_OK, let result = out else {
        let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw DataError(.invalidArgument, path: "<memory>", reason: "\(format) encoding failed: \(detail)")
    }
    defer { free(result) }
    return Array(UnsafeBufferPointer(start: result, count: size))
}
