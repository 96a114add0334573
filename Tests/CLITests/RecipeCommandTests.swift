import FERTrain
import Foundation
import Testing

/// `train --recipe NAME` runs the recipe's options with the command line's on top, records the
/// recipe, and a resume keeps it. On the reference backend with a small JSON model in place of
/// the recipe's network (an override the test also checks), so it runs in seconds.
@Suite(.serialized) struct RecipeCommandTests {
    static let tinyModel = """
        {"name": "tiny", "input": [48, 48, 1], "nodes": [
          {"name": "conv1", "op": "conv2d", "out_channels": 4, "bias": false}, {"name": "bn1", "op": "batchnorm"},
          {"name": "relu1", "op": "relu"}, {"name": "pool", "op": "global_avg_pool"}, {"name": "fc", "op": "dense", "out_features": 7}]}
        """

    func runOptions(_ run: URL) throws -> [String: Any] {
        let first = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")[0]
        let record = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        return record?["training_options"] as? [String: Any] ?? [:]
    }

    @Test func recipeOptionsApplyAndTheCommandLineOverridesThem() throws {
        let data = try makeImageFolderDataset(perClass: 2)
        let model = temporaryFolder("tiny-model.json")
        try Data(Self.tinyModel.utf8).write(to: model)
        let run = temporaryFolder("recipe")
        let trained = try CLI.run(["train", "--device", "reference", "--data", data.path, "--out", run.path, "--batch", "7",
                                   "--recipe", "cpu-hour", "--model", model.path, "--epochs", "1", "--lr", "0.05", "--class-weights=off"])
        #expect(trained.status == 0, "\(trained.error)")
        let options = try runOptions(run)
        #expect(options["recipe"] as? String == "cpu-hour")
        #expect(options["architecture"] as? String == "tiny")
        #expect(options["epochs"] as? Int == 1)
        #expect((options["learningRate"] as? Double).map { abs($0 - 0.05) < 1e-7 } == true)
        #expect(options["classWeights"] as? Bool == false, "--class-weights=off should clear the recipe's switch")
        // The recipe's own values where the command line is silent.
        #expect(options["optimizer"] as? String == "sgd")
        #expect(options["nesterov"] as? Bool == true)
        #expect(options["schedule"] as? String == "one-cycle")
        #expect(options["cropPadding"] as? Int == 4)
        #expect((options["labelSmoothing"] as? Double).map { abs($0 - 0.1) < 1e-7 } == true)

        // Resuming with the same recipe is accepted; another recipe is refused, naming both.
        let resume = ["train", "--device", "reference", "--resume", "--out", run.path, "--epochs", "2"]
        let other = try CLI.run(resume + ["--recipe", "seed"])
        #expect(other.status == 2 && other.error.contains("--recipe seed differs from the run's cpu-hour"), "\(other.error)")
        let same = try CLI.run(resume + ["--recipe", "cpu-hour", "--model", model.path, "--lr", "0.05", "--class-weights=off"])
        #expect(same.status == 0, "\(same.error)")
    }

    @Test func unknownRecipeAndBadSwitchValueAreUsageErrors() throws {
        let unknown = try CLI.run(["train", "--recipe", "cpu-hur"])
        #expect(unknown.status == 2 && unknown.error.contains("unknown recipe 'cpu-hur'; did you mean 'cpu-hour'?"), "\(unknown.error)")
        let badSwitch = try CLI.run(["train", "--nesterov=maybe"])
        #expect(badSwitch.status == 2 && badSwitch.error.contains("--nesterov=off"), "\(badSwitch.error)")
        let help = try CLI.run(["train", "--help"])
        #expect(help.output.contains("cpu-hour: resnet-fer,") && help.output.contains("= --model resnet-fer --epochs 32 "))
        // `long` is cpu-hour's training on resnet-fer-se with more epochs, nothing else changed.
        let training = { (prefix: String) in
            help.output.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        let cpuHour = training("    = --model resnet-fer --epochs 32 "), long = training("    = --model resnet-fer-se --epochs 60 ")
        #expect(cpuHour != nil && long == cpuHour, "\(help.output)")
    }
}
