import FERData
import Foundation
import Testing

@Suite("Image decoding, encoding and resizing")
struct ImageCodecTests {
    @Test func grayPNGRoundTripsExactly() throws {
        var random = FixtureRandom(state: 1)
        for (width, height) in [(48, 48), (1, 1), (7, 3), (200, 31)] {
            let pixels = random.bytes(width * height)
            let png = try encodePNG(gray: pixels, width: width, height: height)
            #expect(ImageFormat(sniffing: png) == .png)
            let image = try decodeGrayImage(png, path: "mem.png")
            #expect(image == GrayImage(width: width, height: height, pixels: pixels))
        }
    }

    @Test func grayJPEGDecodesCloseToItsSource() throws {
        // A smooth gradient survives JPEG with small error; exact bytes are not expected.
        let pixels = (0 ..< 48 * 48).map { UInt8(($0 % 48) * 5) }
        let jpeg = try encodeJPEG(gray: pixels, width: 48, height: 48, quality: 95)
        #expect(ImageFormat(sniffing: jpeg) == .jpeg)
        let image = try decodeGrayImage(jpeg, path: "mem.jpg")
        #expect(image.width == 48 && image.height == 48)
        let worst = zip(image.pixels, pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 6)
    }

    /// Colour becomes BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B, in both containers.
    @Test(arguments: [((255, 0, 0), 76), ((0, 255, 0), 150), ((0, 0, 255), 29), ((200, 100, 50), 124)])
    func colourBecomesBT601Luma(_ rgb: (Int, Int, Int), _ luma: Int) throws {
        let (r, g, b) = rgb
        let pixels = [UInt8]((0 ..< 16 * 16).flatMap { _ in [UInt8(r), UInt8(g), UInt8(b)] })
        let png = try decodeGrayImage(try encodePNG(rgb: pixels, width: 16, height: 16), path: "rgb.png")
        #expect(png.pixels.allSatisfy { Int($0) == luma })
        let jpeg = try decodeGrayImage(try encodeJPEG(rgb: pixels, width: 16, height: 16, quality: 100), path: "rgb.jpg")
        #expect(jpeg.pixels.allSatisfy { abs(Int($0) - luma) <= 2 }, "\(jpeg.pixels.prefix(4)) vs \(luma)")
    }

    /// The colour decode keeps the channels: exact for PNG (a gray PNG expands to R = G = B),
    /// close for JPEG.
    @Test func colourDecodeKeepsTheChannels() throws {
        let pixels = [UInt8]((0 ..< 16 * 16).flatMap { _ in [UInt8(200), 100, 50] })
        #expect(try decodeRGBImage(try encodePNG(rgb: pixels, width: 16, height: 16), path: "rgb.png").pixels == pixels)
        let gray = (0 ..< 12).map { UInt8($0 * 20) }
        #expect(try decodeRGBImage(try encodePNG(gray: gray, width: 4, height: 3), path: "gray.png").pixels == gray.flatMap { [$0, $0, $0] })
        let jpeg = try decodeRGBImage(try encodeJPEG(rgb: pixels, width: 16, height: 16, quality: 100), path: "rgb.jpg")
        #expect(zip(jpeg.pixels, pixels).allSatisfy { abs(Int($0) - Int($1)) <= 3 }, "\(jpeg.pixels.prefix(3))")
    }

    @Test func shrinkingAveragesAreas() {
        // 96x96 of 2x2 blocks shrinks to the block values exactly.
        let small = (0 ..< 48 * 48).map { UInt8(($0 * 37) % 256) }
        var big = [UInt8](repeating: 0, count: 96 * 96)
        for y in 0 ..< 96 { for x in 0 ..< 96 { big[y * 96 + x] = small[(y / 2) * 48 + x / 2] } }
        #expect(GrayImage(width: 96, height: 96, pixels: big).resized(width: 48, height: 48).pixels == small)

        // A 3-to-2 shrink of [0, 90, 180]: output 0 covers pixel 0 and half of pixel 1.
        let row = GrayImage(width: 3, height: 1, pixels: [0, 90, 180]).resized(width: 2, height: 1)
        #expect(row.pixels == [30, 150])
    }

    @Test func enlargingInterpolatesBilinearly() {
        let constant = GrayImage(width: 24, height: 24, pixels: [UInt8](repeating: 77, count: 576))
        #expect(constant.resized(width: 48, height: 48).pixels.allSatisfy { $0 == 77 })

        // [0, 100] → 4 samples at centres x = -0.25, 0.25, 0.75, 1.25 (clamped): 0, 25, 75, 100.
        let row = GrayImage(width: 2, height: 1, pixels: [0, 100]).resized(width: 4, height: 1)
        #expect(row.pixels == [0, 25, 75, 100])
    }

    @Test func mixedAxesAndIdentity() {
        var random = FixtureRandom(state: 3)
        let image = GrayImage(width: 64, height: 20, pixels: random.bytes(64 * 20))
        let out = image.resized(width: 48, height: 48)
        #expect(out.pixels.count == 2304)
        let exact = GrayImage(width: 48, height: 48, pixels: random.bytes(2304))
        #expect(exact.resized(width: 48, height: 48) == exact)
    }

    @Test func oddSizedColourFilesLoadAs48x48() throws {
        let dir = ScratchDirectory()
        var pixels: [UInt8] = []
        for i in 0 ..< 61 * 37 {
            let v = UInt8(i % 256)
            pixels += [v, 128, 255 - v]
        }
        let jpg = dir.write("face.jpg", try encodeJPEG(rgb: pixels, width: 61, height: 37))
        let png = dir.write("face-really-a-png.jpg", try encodePNG(rgb: pixels, width: 61, height: 37))
        #expect(try loadFERImage(atPath: jpg).count == 2304)
        #expect(try loadFERImage(atPath: png).count == 2304)
    }

    @Test func encoderRejectsInconsistentArguments() {
        #expect(dataError { _ = try encodePNG(gray: [1, 2, 3], width: 2, height: 2) }?.kind == .invalidArgument)
        #expect(dataError { _ = try encodePNG(gray: [], width: 0, height: 0) }?.kind == .invalidArgument)
        #expect(dataError { _ = try encodeJPEG(rgb: [1, 2, 3], width: 1, height: 2) }?.kind == .invalidArgument)
    }

    @Test func writePNGWritesADecodableFile() throws {
        let dir = ScratchDirectory()
        let path = dir.file("grid.png")
        let pixels = (0 ..< 30 * 10).map { UInt8($0 % 256) }
        try writePNG(gray: pixels, width: 30, height: 10, to: path)
        #expect(try decodeGrayImage(atPath: path) == GrayImage(width: 30, height: 10, pixels: pixels))
        #expect(dataError { try writePNG(gray: pixels, width: 30, height: 10, to: dir.file("no/such/dir/x.png")) }?.kind == .writeFailed)
    }

    /// Every kind of broken file names its path and says what is wrong.
    @Test func brokenFilesAreDiagnosed() throws {
        let dir = ScratchDirectory()
        var random = FixtureRandom(state: 5)
        let face = random.bytes(48 * 48)
        let png = try encodePNG(gray: face, width: 48, height: 48)
        let jpeg = try encodeJPEG(gray: face, width: 48, height: 48)

        var cases: [(String, DataError.Kind, String)] = []
        cases.append((dir.write("empty.jpg", []), .notAnImage, "file is empty"))
        cases.append((dir.write("text.png", text: "hello, not an image"), .notAnImage, "this is a text file, not an image"))
        cases.append((dir.write("noise.png", [0x00, 0x07, 0x91, 0xFE, 0x13]), .notAnImage, "not an image: starts with 00 07 91 FE"))
        cases.append((dir.write("photo.bmp", [0x42, 0x4D] + [UInt8](repeating: 0, count: 60)), .unsupportedImageFormat, "this is a BMP image, a format fer-cl does not decode"))
        cases.append((dir.write("anim.gif", Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20)), .unsupportedImageFormat, "GIF image"))
        cases.append((dir.write("photo.webp", Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)), .unsupportedImageFormat, "WebP image"))
        cases.append((dir.write("scan.tif", [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0]), .unsupportedImageFormat, "TIFF image"))
        cases.append((dir.write("half.png", Array(png.prefix(png.count / 2))), .truncatedImage, "truncated PNG"))
        cases.append((dir.write("signature-only.png", Array(png.prefix(8))), .truncatedImage, "truncated PNG"))
        cases.append((dir.write("half.jpg", Array(jpeg.prefix(jpeg.count / 2))), .truncatedImage, "truncated JPEG"))
        cases.append((dir.write("header-only.jpg", Array(jpeg.prefix(20))), .truncatedImage, "truncated JPEG"))
        cases.append((dir.write("soi-only.jpg", [0xFF, 0xD8, 0xFF]), .truncatedImage, "truncated JPEG"))
        var badCRC = png
        badCRC[png.count - 20] ^= 0xFF // inside IDAT: structure intact, data wrong
        cases.append((dir.write("crc.png", badCRC), .corruptImage, "corrupt PNG"))
        var badHeader = png
        badHeader[16] = 0xFF // IHDR width > 2^31: invalid
        cases.append((dir.write("ihdr.png", badHeader), .notAnImage, "not a decodable PNG"))
        var badJPEG = jpeg
        for i in 200 ..< min(260, jpeg.count - 2) { badJPEG[i] = 0xFF } // scramble entropy data
        dir.write("scrambled.jpg", badJPEG)
        dir.makeDirectory("folder.jpg")
        cases.append((dir.file("folder.jpg"), .unreadableFile, "is a directory"))
        cases.append((dir.file("missing.jpg"), .pathNotFound, "no such file"))

        for (path, kind, reason) in cases {
            let error = dataError { _ = try loadFERImage(atPath: path) }
            #expect(error?.kind == kind, "\(path): \(String(describing: error))")
            #expect(error?.path == path)
            #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
        }
        // Heavily damaged entropy data either fails as damaged or decodes to garbage; it must not crash.
        _ = try? loadFERImage(atPath: dir.file("scrambled.jpg"))
    }

    @Test func randomBytesNeverCrashTheDecoders() {
        var random = FixtureRandom(state: 11)
        let png = try! encodePNG(gray: random.bytes(2304), width: 48, height: 48)
        let jpeg = try! encodeJPEG(gray: random.bytes(2304), width: 48, height: 48)
        for trial in 0 ..< 300 {
            var bytes = trial.isMultiple(of: 2) ? png : jpeg
            let flips = 1 + Int(random.next() % 8)
            for _ in 0 ..< flips {
                let at = Int(random.next() % UInt64(bytes.count))
                bytes[at] = UInt8(truncatingIfNeeded: random.next())
            }
            if trial % 5 == 0 { bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count)))) }
            _ = try? decodeGrayImage(bytes, path: "fuzz")
        }
    }
}

@Suite("Image grid")
struct ImageGridTests {
    @Test func tilesImagesWithPaddingAndScale() throws {
        let images = (0 ..< 3).flatMap { [UInt8](repeating: UInt8(100 + $0), count: 2304) }
        let dataset = Dataset(images: images, labels: [0, 1, 2], split: .train, source: "mem")
        let grid = dataset.grid(indices: [0, 1, 2, 99], columns: 2, padding: 1, scale: 2, background: 7)
        #expect(grid.width == 2 * 96 + 3 && grid.height == 2 * 96 + 3)
        #expect(grid.pixels[0] == 7)
        #expect(grid.pixels[1 * grid.width + 1] == 100)
        #expect(grid.pixels[1 * grid.width + 96 + 2] == 101)
        #expect(grid.pixels[(96 + 2) * grid.width + 1] == 102)
        #expect(grid.pixels[(96 + 2) * grid.width + 96 + 2] == 7) // index 99 does not exist
        let png = try encodePNG(gray: grid.pixels, width: grid.width, height: grid.height)
        #expect(try decodeGrayImage(png, path: "grid.png") == grid)
    }
}
