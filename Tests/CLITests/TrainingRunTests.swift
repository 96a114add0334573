import FERCore
import FERTrain
import Foundation
import Testing

/// Whole training runs through the command line, on POCL (or the default OpenCL device).
@Suite(.serialized) struct TrainingRunTests {
    /// A run is SIGKILLed while it writes a checkpoint (its temporary file exists): the
    /// checkpoint of the previous epoch is still there and intact.
    @Test func killDuringCheckpointLeavesThePreviousOneIntact() throws {
        let data = try makeImageFolderDataset(perClass: 3)
        let run = temporaryFolder("kill")
        let (process, _, _) = try CLI.launch(["train", "--no-tune", "--data", data.path, "--out", run.path, "--epochs", "50", "--batch", "7"])
        let checkpoint = run.appendingPathComponent("checkpoint.safetensors")
        let deadline = Date().addingTimeInterval(240)
        var killedMidWrite = false
        var firstEpochSeen = false
        while Date() < deadline, process.isRunning {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
            if FileManager.default.fileExists(atPath: checkpoint.path) { firstEpochSeen = true }
            if firstEpochSeen, files.contains(where: { $0.hasPrefix(".checkpoint.safetensors.tmp") }) {
                kill(process.processIdentifier, SIGKILL)
                killedMidWrite = true
                break
            }
            usleep(500)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(killedMidWrite, "the run was killed while a checkpoint was being written")
        let file = try SafetensorsFile(contentsOf: checkpoint)
        #expect(file.metadata["kind"] == "checkpoint")
        #expect(file.tensors["fc1.weight"]?.shape == [512, 4608])
        #expect(file.metadata["training_state"]?.contains("\"epoch\":") == true)
    }

    /// Ctrl-C finishes the step, checkpoints and exits 130; --resume completes the run.
    @Test func interruptThenResume() throws {
        let data = try makeImageFolderDataset(perClass: 3)
        let run = temporaryFolder("sigint")
        let (process, _, err) = try CLI.launch(["train", "--no-tune", "--data", data.path, "--out", run.path, "--epochs", "3", "--batch", "7"])
        let checkpoint = run.appendingPathComponent("checkpoint.safetensors")
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline, process.isRunning, !FileManager.default.fileExists(atPath: checkpoint.path) { usleep(2000) }
        kill(process.processIdentifier, SIGINT)
        let output = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "exit status after SIGINT: \(output)")
        #expect(output.contains("--resume"))
        let resumed = try CLI.run(["train", "--no-tune", "--resume", "--out", run.path, "--data", data.path])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.error.contains("resuming"))
        let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.contains("\"type\":\"run\"") == true)
        #expect(lines.filter { $0.contains("\"type\":\"epoch\"") }.count == 3)
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("model.safetensors").path))
        let refused = try CLI.run(["train", "--no-tune", "--data", data.path, "--out", run.path])
        #expect(refused.status == 1 && refused.error.contains("already holds a run"))
    }
}
