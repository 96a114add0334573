import FERData
import Foundation
import Testing

/// The command line's habits: --version, help CMD, "did you mean", usage lines that show
/// defaults as optional, and messages that name a file of the wrong kind.
@Suite(.serialized) struct UserMessagesTests {
    @Test func versionNamesTheCommitAndTheOpenCLDrivers() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("fer-cl 0."))
        #expect(result.output.contains("(commit "))
        #expect(result.output.contains("OpenCL"))
    }

    @Test func helpCommandShowsThatCommandsHelp() throws {
        let result = try CLI.run(["help", "predict"])
        #expect(result.status == 0)
        #expect(result.output.contains("Usage: fer-cl predict"))
        let unknown = try CLI.run(["help", "evalute"])
        #expect(unknown.status == 2 && unknown.error.contains("did you mean 'evaluate'?"))
    }

    @Test func misspellingsGetASuggestion() throws {
        let command = try CLI.run(["predcit"])
        #expect(command.status == 2)
        #expect(command.error.contains("unknown command 'predcit'; did you mean 'predict'?"))
        #expect(!command.error.contains("Commands:\n"), "the whole help was printed again")
        let option = try CLI.run(["train", "--epoch", "3"])
        #expect(option.status == 2 && option.error.contains("did you mean --epochs?"), "\(option.error)")
        let nothingClose = try CLI.run(["train", "--frobnicate"])
        #expect(nothingClose.status == 2 && !nothingClose.error.contains("did you mean"))
    }

    /// Options with defaults are shown in brackets (the usage once made --data look required).
    @Test(arguments: ["evaluate", "inspect", "train"])
    func usageShowsDataAsOptional(_ command: String) throws {
        let usage = try CLI.run([command, "--help"]).output.split(separator: "\n").first { $0.hasPrefix("Usage:") } ?? ""
        #expect(usage.contains("[--data PATH]"), "\(usage)")
    }

    /// A file of one kind passed where another is expected is named for what it is.
    @Test func filesOfTheWrongKindAreNamed() throws {
        let folder = temporaryFolder("kinds")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let jpeg = folder.appendingPathComponent("face.jpg")
        try Data(try encodeJPEG(gray: [UInt8](repeating: 90, count: 2304), width: 48, height: 48)).write(to: jpeg)
        let missing = folder.appendingPathComponent("missing.safetensors")

        let asModel = try CLI.run(["evaluate", "--model", jpeg.path, "--data", folder.path])
        #expect(asModel.status == 1 && asModel.error.contains("\(jpeg.path): this is a JPEG image, not a model file"), "\(asModel.error)")
        let absent = try CLI.run(["predict", "--model", missing.path, jpeg.path])
        #expect(absent.status == 1 && absent.error.contains("\(missing.path): no such file"), "\(absent.error)")
        #expect(!absent.error.contains("could not be completed"))
        let asData = try CLI.run(["inspect", "--data", jpeg.path])
        #expect(asData.status == 1 && asData.error.contains("this is a JPEG image, not FER-2013 data"), "\(asData.error)")
        let bmp = folder.appendingPathComponent("photo.bmp")
        try Data([0x42, 0x4D] + [UInt8](repeating: 0, count: 60)).write(to: bmp)
        let asImage = try CLI.run(["inspect", "--data", bmp.path])
        #expect(asImage.error.contains("this is a BMP image"), "\(asImage.error)")
    }
}
