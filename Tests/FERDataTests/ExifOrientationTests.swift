import FERData
import Testing

/// EXIF orientation: a JPEG with an orientation tag decodes turned upright.
@Suite("EXIF orientation")
struct ExifOrientationTests {
    /// `jpeg` with an APP1 EXIF segment (big- or little-endian TIFF) holding orientation `o`, inserted after SOI.
    static func withOrientation(_ jpeg: [UInt8], _ o: UInt8, littleEndian: Bool) -> [UInt8] {
        let tiff: [UInt8] = littleEndian
            ? [0x49, 0x49, 0x2A, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, o, 0, 0, 0, 0, 0, 0, 0]
            : [0x4D, 0x4D, 0, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0]
        let body = Array("Exif\0\0".utf8) + tiff
        let length = body.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + body + jpeg.dropFirst(2)
    }

    /// Decodes the 16x8 `jpeg` plain and under each of the 8 orientation tags, and expects each
    /// tagged decode to be the plain one turned; returns the decode under tag 6 (a quarter turn
    /// clockwise, so 8x16) for the caller's checks of where the halves went.
    static func decodesEveryOrientationAsTurned<Image: TurnableImage>(
        _ jpeg: [UInt8], littleEndian: Bool, decode: ([UInt8], String) throws -> Image
    ) throws -> Image {
        let plain = try decode(jpeg, "plain.jpg")
        #expect(plain.width == 16 && plain.height == 8)
        let turned = try (1...8).map { o in
            let image = try decode(withOrientation(jpeg, UInt8(o), littleEndian: littleEndian), "exif.jpg")
            #expect(image == plain.oriented(o), "orientation \(o)")
            return image
        }
        let six = turned[5]
        #expect(six.width == 8 && six.height == 16)
        return six
    }

    @Test(arguments: [true, false])
    func portraitIsTurnedUpright(littleEndian: Bool) throws {
        // 16x8: left half dark, right half bright, so a turn is visible after JPEG's losses.
        let pixels = (0..<(16 * 8)).map { UInt8($0 % 16 < 8 ? 20 : 230) }
        let jpeg = try encodeJPEG(gray: pixels, width: 16, height: 8, quality: 95)
        let six = try Self.decodesEveryOrientationAsTurned(jpeg, littleEndian: littleEndian, decode: decodeGrayImage)
        // The stored left (dark) half ends on top.
        #expect(six.pixels[0] < 100 && six.pixels[15 * 8] > 150)
    }

    /// The colour decode (what `--annotate` draws on) is turned the same way, every channel
    /// with its pixel: its luma follows the gray decode's turn.
    @Test func colourDecodeIsTurnedLikeTheGrayOne() throws {
        let rgb = (0..<(16 * 8)).flatMap { i -> [UInt8] in i % 16 < 8 ? [200, 30, 30] : [30, 30, 200] }
        let jpeg = try encodeJPEG(rgb: rgb, width: 16, height: 8, quality: 95)
        let six = try Self.decodesEveryOrientationAsTurned(jpeg, littleEndian: true, decode: decodeRGBImage)
        #expect(six.pixels[0] > 150 && six.pixels[2] < 100, "the red (stored left) half ends on top")
        #expect(six.pixels[3 * 15 * 8 + 2] > 150, "the blue half at the bottom")
    }
}

/// What the every-orientation check needs of a decoded image; both decoders' images have it.
protocol TurnableImage: Equatable {
    var width: Int { get }
    var height: Int { get }
    func oriented(_ o: Int) -> Self
}

extension GrayImage: TurnableImage {}
extension RGBImage: TurnableImage {}
