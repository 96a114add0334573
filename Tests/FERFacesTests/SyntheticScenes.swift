import FERCore
import FERData
import Foundation

/// The shared FER-2013 folders, located from this file (the data sits beside the package root).
let sharedFER2013Path: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.deletingLastPathComponent().appendingPathComponent("shared/fer2013").standardizedFileURL.path
}()

let sharedFER2013Present = FileManager.default.fileExists(atPath: sharedFER2013Path + "/test/happy")
let cascadePresent = FileManager.default.fileExists(atPath: "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml")

/// Pictures built for the detector tests: FER-2013 test faces, enlarged, pasted at known
/// boxes onto a textured background (smooth waves plus noise, so the background has the
/// contrast that makes false detections possible).
struct SyntheticScene {
    var image: GrayImage
    var faces: [FaceBoxTruth]

    struct FaceBoxTruth { var x, y, size: Int }

    /// The first `count` face crops of a test class folder, in name order.
    static func faces(_ emotion: String, count: Int) throws -> [GrayImage] {
        let folder = sharedFER2013Path + "/test/" + emotion
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().prefix(count)
        return try names.map { try decodeGrayImage(atPath: folder + "/" + $0) }
    }

    init(width: Int, height: Int, seed: UInt64, pasting crops: [(GrayImage, FaceBoxTruth)]) {
        var generator = PhiloxGenerator(seed: seed, stream: 5)
        var pixels = (0..<(width * height)).map { i -> UInt8 in
            let x = Double(i % width), y = Double(i / width)
            let wave = 110 + 45 * sin(x / 17 + Double(seed)) + 35 * cos(y / 23) + Double(generator.uniform(-12, 12))
            return UInt8(max(0, min(255, wave)))
        }
        for (crop, box) in crops {
            let scaled = crop.resized(width: box.size, height: box.size)
            for y in 0..<box.size { for x in 0..<box.size { pixels[(box.y + y) * width + box.x + x] = scaled.pixels[y * box.size + x] } }
        }
        image = GrayImage(width: width, height: height, pixels: pixels)
        faces = crops.map(\.1)
    }
}
