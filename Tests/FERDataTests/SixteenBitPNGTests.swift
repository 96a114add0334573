import FERData
import Testing

/// 16-bit PNGs are reduced to 8 bits with their gamma. The files are built here byte by byte
/// (deflate "stored" blocks need no compressor), so each chunk combination is exact.
@Suite("16-bit PNG gamma") struct SixteenBitPNGTests {
    /// A 4x4 16-bit PNG of one sample value (gray, or the same value in R, G and B), with `extra` chunks before IDAT.
    static func png(sample: UInt16, colour: Bool = false, extra: [[UInt8]] = []) -> [UInt8] {
        let side = 4, channels = colour ? 3 : 1
        var header = be32(UInt32(side)) + be32(UInt32(side))
        header += [16, colour ? 2 : 0, 0, 0, 0]
        var raw: [UInt8] = []
        for _ in 0..<side {
            raw.append(0)  // filter type none
            for _ in 0..<(side * channels) { raw += [UInt8(sample >> 8), UInt8(sample & 0xFF)] }
        }
        // zlib: header 78 01, one final stored block (LEN, NLEN), the bytes, Adler-32.
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        let length = UInt16(raw.count)
        let zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)] + raw + be32(b << 16 | a)
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
        for c in extra { file += c }
        return file + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return be32(UInt32(data.count)) + body + be32(~crc)
    }

    static let gamma45 = chunk("gAMA", be32(45455)), gammaLinear = chunk("gAMA", be32(100_000)), sRGB = chunk("sRGB", [0])

    /// 128 * 257 is exactly the 16-bit form of 8-bit 128: as encoded samples it must stay 128.
    @Test(arguments: [(false, "no gAMA or sRGB"), (true, "no gAMA or sRGB, colour")])
    func untaggedFilesAreTakenAsEncodedNotLinear(_ colour: Bool, _ what: String) throws {
        let image = try decodeGrayImage(Self.png(sample: 128 * 257, colour: colour), path: what)
        #expect(image.pixels.allSatisfy { $0 == 128 }, "\(what): \(image.pixels[0]) (linear-light reading gives 186)")
    }

    @Test func gammaAndSRGBChunksAreHonoured() throws {
        #expect(try decodeGrayImage(Self.png(sample: 128 * 257, extra: [Self.gamma45]), path: "gAMA 1/2.2").pixels[0] == 128)
        #expect(try decodeGrayImage(Self.png(sample: 128 * 257, extra: [Self.sRGB]), path: "sRGB").pixels[0] == 128)
        // Declared linear light: half intensity is encoded near 186-188 on the sRGB curve, as 8-bit images store it.
        let linear = try decodeGrayImage(Self.png(sample: 128 * 257, extra: [Self.gammaLinear]), path: "gAMA 1.0").pixels[0]
        #expect((184...190).contains(linear), "gAMA 1.0 half intensity decoded as \(linear)")
    }

    /// The ends of the range and a dark value survive exactly (a gamma mistake moves the mid-tones and darks most).
    @Test(arguments: [UInt8(0), 17, 64, 200, 255])
    func untaggedValuesScaleToTheir8BitValue(_ value: UInt8) throws {
        #expect(try decodeGrayImage(Self.png(sample: UInt16(value) * 257), path: "untagged").pixels[0] == value)
    }
}
