import FERData
import Foundation
import Testing

/// `predict` on real pictures: a folder with a face crop, a photo-sized picture and a
/// corrupt file, and a broken cascade.
@Suite("predict on pictures") struct PredictCommandTests {
    @Test func corruptFileIsSkippedAndTheRestProcessed() throws {
        let data = try makeImageFolderDataset(perClass: 3)
        let run = temporaryFolder("predict-model")
        let trained = try CLI.run(["train", "--no-tune", "--data", data.path, "--out", run.path, "--epochs", "1", "--batch", "7"])
        try #require(trained.status == 0, "\(trained.error)")
        let model = run.appendingPathComponent("model.safetensors").path
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
}
