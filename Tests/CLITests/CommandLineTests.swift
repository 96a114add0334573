import FERCore
import FERTrain
import Foundation
import Testing

@Suite(.serialized) struct CommandLineTests {
    @Test(arguments: ["train", "evaluate", "predict", "inspect", "devices", "verify", "bench", "tune", "plot", "report", "serve"])
    func everyCommandHasHelp(_ command: String) throws {
        let result = try CLI.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("Usage: fer-cl \(command)"))
        #expect(result.output.contains("--help"))
    }

    @Test func unknownCommandsAndOptionsAreUsageErrors() throws {
        #expect(try CLI.run(["frobnicate"]).status == 2)
        let result = try CLI.run(["train", "--epochz", "3"])
        #expect(result.status == 2)
        #expect(result.error.contains("unknown option --epochz"))
        #expect(try CLI.run(["train", "--epochs", "zero"]).error.contains("--epochs must be an integer"))
    }

    @Test func trainWithoutDataSaysWhereToPutIt() throws {
        let empty = temporaryFolder("nodata")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        // Run from a folder without data/fer2013, with FER2013_DIR unset.
        let result = try runIn(empty, ["train"])
        #expect(result.status != 0)
        #expect(result.error.contains("FER2013_DIR"))
        #expect(result.error.contains("data/fer2013/train/<class>"))
    }

    func runIn(_ folder: URL, _ arguments: [String]) throws -> CLI.Result {
        guard let binary = CLI.binary else { throw CLI.CLIError.noBinary }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["FER2013_DIR"] = nil
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, output: "", error: String(decoding: error, as: UTF8.self))
    }

    @Test func corruptOrForeignModelFilesGiveClearErrors() throws {
        let folder = temporaryFolder("badmodels")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = try makeImageFolderDataset(perClass: 1)
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        var bytes = try SafetensorsFile(tensors: ["conv1.weight": .floats([Float](repeating: 0, count: 64), shape: [64])],
                                        metadata: ["format": "fer-cl/1"]).encoded()
        bytes.removeLast(10)
        try bytes.write(to: truncated)
        let foreign = folder.appendingPathComponent("foreign.safetensors")
        try SafetensorsFile(tensors: ["x": .floats([1], shape: [1])]).write(to: foreign)
        let garbage = folder.appendingPathComponent("garbage.safetensors")
        try Data("definitely not a model".utf8).write(to: garbage)
        for model in [truncated, foreign, garbage, folder.appendingPathComponent("missing.safetensors")] {
            let evaluate = try CLI.run(["evaluate", "--model", model.path, "--data", data.path])
            #expect(evaluate.status == 1, "evaluate \(model.lastPathComponent)")
            #expect(evaluate.error.contains(model.path), "evaluate names the file: \(evaluate.error)")
            let predict = try CLI.run(["predict", "--model", model.path, data.appendingPathComponent("test/happy/0.png").path])
            #expect(predict.status == 1, "predict \(model.lastPathComponent)")
        }
        let run = folder.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: garbage, to: run.appendingPathComponent("checkpoint.safetensors"))
        let resume = try CLI.run(["train", "--resume", "--out", run.path, "--data", data.path])
        #expect(resume.status == 1)
        #expect(resume.error.contains("checkpoint.safetensors"))
    }
}
