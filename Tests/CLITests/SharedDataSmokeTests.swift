import Foundation
import Testing

/// A short real training run on a subset of ../shared/fer2013 (CI has it): the loss falls
/// and accuracy rises above chance. Skipped, saying so, where the data is absent.
@Suite struct SharedDataSmokeTests {
    static let data: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // Tests/CLITests
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()  // the checkout's parent
        .appendingPathComponent("shared/fer2013")
    static let present = FileManager.default.fileExists(atPath: data.appendingPathComponent("train").path)

    @Test(.enabled(if: present, "../shared/fer2013 is not here: the real-data smoke test is skipped"))
    func seedNetworkLearnsOnASubset() throws {
        let run = temporaryFolder("smoke")
        let result = try CLI.run(["train", "--data", Self.data.path, "--subset", "1536", "--val-subset", "512",
                                  "--epochs", "3", "--out", run.path])
        #expect(result.status == 0, "\(result.error)")
        let epochs = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        try #require(epochs.count == 3)
        let trainLoss = epochs.compactMap { $0["train_loss"] as? Double }
        let trainAccuracy = epochs.compactMap { $0["train_accuracy"] as? Double }
        let validationAccuracy = epochs.compactMap { $0["val_accuracy"] as? Double }
        print("smoke run: train loss \(trainLoss), train accuracy \(trainAccuracy), validation accuracy \(validationAccuracy)")
        #expect(trainLoss.last! < trainLoss.first! - 0.05, "training loss falls")
        // Chance is 1/7; always answering the largest class (happy) gives 25% of test/.
        #expect(validationAccuracy.max()! > 0.27, "validation accuracy above chance and above the majority class")
    }
}
