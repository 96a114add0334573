import FERData
import Foundation
import Testing

/// `predict` on real pictures: a folder with a face crop, a photo-sized picture and a
/// corrupt file, and a broken cascade.
@Suite("predict on pictures") struct PredictCommandTests {
    /// A model trained for one epoch on a tiny synthetic dataset (its path).
    func tinyModel(_ name: String) throws -> String {
        let data = try makeImageFolderDataset(perClass: 3)
        let run = temporaryFolder(name)
        let trained = try CLI.run(["train", "--no-tune", "--data", data.path, "--out", run.path, "--epochs", "1", "--batch", "7"])
        try #require(trained.status == 0, "\(trained.error)")
        return run.appendingPathComponent("model.safetensors").path
    }

    @Test func corruptFileIsSkippedAndTheRestProcessed() throws {
        let model = try tinyModel("predict-model")
        let inputs = temporaryFolder("predict-inputs")
        try FileManager.default.createDirectory(at: inputs.appendingPathComponent("nested"), withIntermediateDirectories: true)
        try writePNG(gray: [UInt8](repeating: 90, count: 48 * 48), width: 48, height: 48, to: inputs.appendingPathComponent("crop.png").path)
        try writePNG(gray: (0..<(160 * 120)).map { UInt8($0 % 160) }, width: 160, height: 120, to: inputs.appendingPathComponent("nested/photo.png").path)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: inputs.appendingPathComponent("bad.png"))

        let result = try CLI.run(["predict", "--model", model, "--json", inputs.path])
        #expect(result.status == 1)
        #expect(result.error.contains("bad.png"))
        #expect(result.error.contains("crop.png: 48x48, taken as a face crop"))
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2, "one JSON object per readable image: \(result.output)")
        #expect(lines.contains { $0.contains("crop.png") && $0.contains("\"detected\":false") && $0.contains("\"top\"") })
        #expect(lines.contains { $0.contains("photo.png") && $0.contains("\"faces\":[]") })

        let cascade = inputs.appendingPathComponent("broken.xml")
        try Data("<?xml version=\"1.0\"?>\n<opencv_storage>\n<cascade>".utf8).write(to: cascade)
        let broken = try CLI.run(["predict", "--model", model, "--cascade", cascade.path, inputs.appendingPathComponent("nested/photo.png").path])
        #expect(broken.status == 1)
        #expect(broken.error.contains("broken.xml") && broken.error.contains("ends before </cascade>"))
    }

    /// `--tta flip` reports, for each face, the mean of the probabilities of the crop and of its
    /// mirror image, each predicted on its own; the logits stay the plain crop's. Ten-crop needs
    /// a model trained with crops and says so.
    @Test func flipAveragesTheCropAndItsMirrorImage() throws {
        let model = try tinyModel("predict-tta-model")
        let inputs = temporaryFolder("predict-tta-inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        let pixels: [UInt8] = (0..<(48 * 48)).map { (i: Int) -> UInt8 in UInt8((i % 48) * 4 + i / 48) }
        let mirrored: [UInt8] = (0..<(48 * 48)).map { (i: Int) -> UInt8 in
            let row = i / 48, column = i % 48
            return pixels[row * 48 + 47 - column]
        }
        let plainPath = inputs.appendingPathComponent("face.png").path, mirrorPath = inputs.appendingPathComponent("mirror.png").path
        try writePNG(gray: pixels, width: 48, height: 48, to: plainPath)
        try writePNG(gray: mirrored, width: 48, height: 48, to: mirrorPath)

        func face(_ arguments: [String]) throws -> [String: Any] {
            let result = try CLI.run(["predict", "--model", model, "--json", "--no-detect"] + arguments)
            try #require(result.status == 0, "\(result.error)")
            let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
            return (object["faces"] as! [[String: Any]])[0]
        }
        let plain = try face([plainPath]), mirror = try face([mirrorPath]), averaged = try face(["--tta", "flip", plainPath])
        let probabilities = { (f: [String: Any]) in f["probabilities"] as! [String: Double] }
        for (emotion, p) in probabilities(averaged) {
            let expected = (probabilities(plain)[emotion]! + probabilities(mirror)[emotion]!) / 2
            #expect(abs(p - expected) < 1e-5, "\(emotion): \(p) against \(expected)")
        }
        #expect(probabilities(plain) != probabilities(mirror), "the mirror image must be a different input for this test to mean anything")
        #expect((averaged["logits"] as! [Double]) == (plain["logits"] as! [Double]))

        let tenCrop = try CLI.run(["predict", "--model", model, "--no-detect", "--tta", "ten-crop", plainPath])
        #expect(tenCrop.status != 0 && tenCrop.error.contains("--crop-padding"))
        let unknown = try CLI.run(["predict", "--model", model, "--tta", "sideways", plainPath])
        #expect(unknown.status != 0 && unknown.error.contains("--tta must be"))
    }
}
