/// An 8-bit RGB image, interleaved (R, G, B per pixel), row-major, no row padding: video
/// frames as ffmpeg pipes them and pictures being annotated.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    /// - Precondition: `width, height > 0` and `pixels.count == 3 * width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == 3 * width * height,
                     "RGBImage: \(pixels.count) bytes for \(width)x\(height)x3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A gray image as RGB (R = G = B), for drawing coloured marks on it.
    public init(gray: GrayImage) {
        var pixels = [UInt8](repeating: 0, count: 3 * gray.pixels.count)
        for (i, p) in gray.pixels.enumerated() { pixels[3 * i] = p; pixels[3 * i + 1] = p; pixels[3 * i + 2] = p }
        self.init(width: gray.width, height: gray.height, pixels: pixels)
    }

    /// BT.601 luma with the fixed-point weights libjpeg and the PNG decoder use (19595, 38470,
    /// 7471 over 2^16, rounded), so a video frame gives the gray a JPEG of it would.
    public var luma: GrayImage {
        var gray = [UInt8](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { rgb in
            for i in 0..<gray.count {
                let r = UInt32(rgb[3 * i]), g = UInt32(rgb[3 * i + 1]), b = UInt32(rgb[3 * i + 2])
                gray[i] = UInt8((19595 * r + 38470 * g + 7471 * b + 32768) >> 16)
            }
        }
        return GrayImage(width: width, height: height, pixels: gray)
    }
}
