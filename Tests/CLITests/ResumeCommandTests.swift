import FERCore
import FERData
import FERTrain
import Foundation
import Testing

/// `train --resume` continues the run that is in the folder, whatever the resuming command
/// line leaves out; on the reference backend, so results can be compared bit for bit.
@Suite(.serialized) struct ResumeCommandTests {
    /// A quick run's options: a subset of the training images, a validation subset.
    func quickRun(_ data: URL, _ out: URL, epochs: Int, extra: [String] = []) -> [String] {
        ["train", "--device", "reference", "--data", data.path, "--out", out.path, "--subset", "10", "--val-subset", "5",
         "--batch", "5", "--epochs", "\(epochs)"] + extra
    }

    func tensors(_ url: URL) throws -> [String: Data] {
        try SafetensorsFile(contentsOf: url).tensors.mapValues(\.bytes)
    }

    /// The resuming command line names neither --data nor --subset: the run continues on its
    /// own 10 images (not all 21 of the folder), bit-identical to an uninterrupted run, and
    /// --epochs extends the finished one-epoch run to two.
    @Test func resumeContinuesOnTheRunsSubsetBitIdentically() throws {
        let data = try makeImageFolderDataset(perClass: 3)
        let straight = temporaryFolder("straight"), resumed = temporaryFolder("resumed")
        let whole = try CLI.run(quickRun(data, straight, epochs: 2))
        #expect(whole.status == 0, "\(whole.error)")
        #expect(try CLI.run(quickRun(data, resumed, epochs: 1)).status == 0)
        let extended = try CLI.run(["train", "--device", "reference", "--resume", "--out", resumed.path, "--epochs", "2"])
        #expect(extended.status == 0, "\(extended.error)")
        #expect(extended.error.contains("10 training images, 5 validation images"), "\(extended.error)")
        let a = try tensors(straight.appendingPathComponent("model.safetensors"))
        let b = try tensors(resumed.appendingPathComponent("model.safetensors"))
        #expect(a.keys.sorted() == b.keys.sorted())
        let differing = a.keys.filter { a[$0] != b[$0] }.sorted()
        #expect(differing.isEmpty, "tensors that differ from the uninterrupted run: \(differing)")
        let records = try metricsRecords(resumed)
        #expect(records.map { $0["type"] as? String } == ["run", "epoch", "resume", "epoch"])
    }

    /// Resuming a finished run without a larger --epochs says so and touches nothing.
    @Test func finishedRunIsLeftAlone() throws {
        let data = try makeImageFolderDataset(perClass: 2)
        let run = temporaryFolder("finished")
        #expect(try CLI.run(quickRun(data, run, epochs: 1)).status == 0)
        let before = try snapshot(run)
        let again = try CLI.run(["train", "--device", "reference", "--resume", "--out", run.path])
        #expect(again.status == 0)
        #expect(again.error.contains("is finished: 1 of 1 epochs done"), "\(again.error)")
        #expect(try snapshot(run) == before, "the finished run's files changed")
        let shorter = try CLI.run(["train", "--device", "reference", "--resume", "--out", run.path, "--epochs", "1"])
        #expect(shorter.status == 0 && shorter.error.contains("is finished"))
        #expect(try snapshot(run) == before)
    }

    /// An option that shapes the run and differs from the checkpoint is refused, naming both
    /// values; the same value is accepted; options that only apply to a new run are refused.
    @Test func conflictingOptionsAreRefusedWithBothValues() throws {
        let data = try makeImageFolderDataset(perClass: 2)
        let run = temporaryFolder("conflict")
        #expect(try CLI.run(quickRun(data, run, epochs: 1)).status == 0)
        let before = try snapshot(run)
        let resume = ["train", "--device", "reference", "--resume", "--out", run.path, "--epochs", "2"]
        let refused = try CLI.run(resume + ["--subset", "8", "--lr", "0.01", "--flip", "0.5"])
        #expect(refused.status == 2)
        for phrase in ["--subset 8 differs from the run's 10", "--lr 0.01 differs from the run's 0.001", "--flip 0.5 differs from the run's 0.0"] {
            #expect(refused.error.contains(phrase), "\(refused.error)")
        }
        let otherData = try makeImageFolderDataset(perClass: 2)
        let moved = try CLI.run(resume + ["--data", otherData.path])
        #expect(moved.status == 2 && moved.error.contains("--data \(otherData.standardizedFileURL.path) differs from the run's \(data.standardizedFileURL.path)"),
                "\(moved.error)")
        let initRefused = try CLI.run(resume + ["--init", "x.safetensors"])
        #expect(initRefused.status == 2 && initRefused.error.contains("--init only applies when a run starts"))
        #expect(try snapshot(run) == before, "a refused resume changed the run")
        let same = try CLI.run(resume + ["--subset", "10", "--lr", "0.001", "--data", data.path])
        #expect(same.status == 0, "\(same.error)")
    }

    /// A train that fails (bad --data) leaves no run folder, and with --force it does not
    /// destroy the run it would have replaced.
    @Test func failedTrainLeavesNoFolder() throws {
        let missing = temporaryFolder("nowhere")
        let out = temporaryFolder("never-made")
        let failed = try CLI.run(["train", "--no-tune", "--data", missing.path, "--out", out.path])
        #expect(failed.status == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path), "a failed train left \(out.path)")
        // A data folder that opens but holds a corrupt image fails at load time, after the device is up.
        let corrupt = try makeImageFolderDataset(perClass: 1)
        try Data("not a png".utf8).write(to: corrupt.appendingPathComponent("train/happy/0.png"))
        let late = try CLI.run(["train", "--no-tune", "--data", corrupt.path, "--out", out.path])
        #expect(late.status == 1 && late.error.contains("0.png"), "\(late.error)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let data = try makeImageFolderDataset(perClass: 2)
        let run = temporaryFolder("kept")
        #expect(try CLI.run(quickRun(data, run, epochs: 1)).status == 0)
        let before = try snapshot(run)
        let forced = try CLI.run(["train", "--no-tune", "--force", "--data", corrupt.path, "--out", run.path])
        #expect(forced.status == 1)
        #expect(try snapshot(run) == before, "--force with bad data destroyed the previous run")
    }

    /// A run folder as fer-cl 0.1 wrote it: options without the data selection, metrics with
    /// JSON inside strings. It resumes on the data and subset of its original command line.
    @Test func runFoldersFromBeforeTheDataRecordStillResume() throws {
        let data = try makeImageFolderDataset(perClass: 3)
        let run = temporaryFolder("legacy")
        #expect(try CLI.run(quickRun(data, run, epochs: 1)).status == 0)
        let checkpointURL = run.appendingPathComponent("checkpoint.safetensors")
        var file = try SafetensorsFile(contentsOf: checkpointURL)
        var options = try JSONSerialization.jsonObject(with: Data(file.metadata["training_options"]!.utf8)) as! [String: Any]
        options["data"] = nil
        file.metadata["training_options"] = String(decoding: try JSONSerialization.data(withJSONObject: options), as: UTF8.self)
        file.metadata["command"] = "/usr/bin/fer-cl train --device reference --data \(data.path) --out \(run.path) --subset 10 --val-subset 5 --batch 5 --epochs 1"
        try file.write(to: checkpointURL)
        let legacyMetrics = #"{"command":"fer-cl train","training_options":"{\"epochs\":1}","type":"run"}"# + "\n"
        try Data(legacyMetrics.utf8).write(to: run.appendingPathComponent("metrics.jsonl"))
        let resumed = try CLI.run(["train", "--device", "reference", "--resume", "--out", run.path, "--epochs", "2"])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.error.contains("predates recorded data options"))
        #expect(resumed.error.contains("10 training images, 5 validation images"), "\(resumed.error)")
    }

    /// metrics.jsonl: one plain JSON object per line with its schema version; options and
    /// tile shapes nested, not JSON inside strings; nothing of train's on standard output.
    @Test func metricsAreNestedJSONWithASchema() throws {
        let data = try makeImageFolderDataset(perClass: 2)
        let run = temporaryFolder("schema")
        let result = try CLI.run(["train", "--no-tune", "--data", data.path, "--out", run.path, "--epochs", "1", "--batch", "7"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.isEmpty, "train wrote to standard output: \(result.output)")
        #expect(result.error.contains("done: final model"))
        let records = try metricsRecords(run)
        #expect(records.allSatisfy { $0["schema"] as? Int == RunDirectory.metricsSchema })
        let options = records.first?["training_options"] as? [String: Any]
        #expect(options?["batch"] as? Int == 7)
        #expect((options?["data"] as? [String: Any])?["path"] as? String == data.standardizedFileURL.path)
        #expect(records.first?["tile_shape"] is [String: Any])
        #expect(records.dropFirst().first?["train_loss"] is Double)
        #expect((records.dropFirst().first?["val_recall"] as? [String: Any])?.count == 7)
        #expect(records.dropFirst().first?["val_macro_f1"] is Double)
    }

    func metricsRecords(_ run: URL) throws -> [[String: Any]] {
        try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }

    /// Every file of a run folder with its bytes.
    func snapshot(_ run: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: run.path) {
            files[name] = try Data(contentsOf: run.appendingPathComponent(name))
        }
        return files
    }
}
