import FERData
import Foundation
import Testing

@Suite("File kinds from first bytes")
struct FileKindTests {
    @Test func signaturesAreRecognised() throws {
        let png = try encodePNG(gray: [UInt8](repeating: 7, count: 4), width: 2, height: 2)
        let jpeg = try encodeJPEG(gray: [UInt8](repeating: 7, count: 64), width: 8, height: 8)
        var safetensors = [UInt8](repeating: 0, count: 8)
        safetensors[0] = 2
        safetensors += Array("{}".utf8)
        let cases: [([UInt8], FileKind)] = [
            (png, .png), (jpeg, .jpeg),
            ([0x42, 0x4D] + [UInt8](repeating: 0, count: 30), .bmp),
            (Array("GIF87a....".utf8), .gif),
            (Array("RIFF\u{10}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), .webp),
            (Array("RIFF\u{10}\u{0}\u{0}\u{0}AVI LIST".utf8), .video),
            ([0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8], .tiff),
            ([0, 0, 0, 0x20] + Array("ftypisom".utf8), .video),
            ([0x1A, 0x45, 0xDF, 0xA3, 0x01], .video),
            (safetensors, .safetensors),
            (Array("<?xml version=\"1.0\"?>\n<opencv_storage>".utf8), .xml),
            (Array("  <!DOCTYPE html><html>".utf8), .html),
            (Array("emotion,pixels,Usage\n0,1 2 3,Training\n".utf8), .text),
            (Array("%PDF-1.7".utf8), .pdf),
            ([0x50, 0x4B, 0x03, 0x04, 0], .zip),
            ([0x1F, 0x8B, 8, 0], .gzip),
            ([0x00, 0x07, 0x91, 0xFE], .unknown),
            ([], .empty),
        ]
        for (bytes, kind) in cases {
            #expect(FileKind(sniffing: bytes) == kind, "\(bytes.prefix(12)) should be \(kind)")
        }
    }

    /// A multi-byte UTF-8 character cut by the 64-byte window still reads as text.
    @Test func textCutMidCharacterIsText() {
        let text = Array(String(repeating: "é", count: 40).utf8)
        #expect(FileKind(sniffing: text) == .text)
    }

    @Test func filesOnDiskAreSniffed() throws {
        let dir = ScratchDirectory()
        let path = dir.write("model.safetensors", try encodePNG(gray: [1, 2, 3, 4], width: 2, height: 2))
        #expect(FileKind.of(path: path) == .png)
        #expect(FileKind.of(path: dir.file("missing")) == nil)
    }
}
