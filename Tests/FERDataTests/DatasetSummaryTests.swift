import FERData
import Foundation
import Testing

@Suite("Dataset summary")
struct DatasetSummaryTests {
    private func dataset(_ counts: [Int], split: Dataset.Split) -> Dataset {
        let labels = counts.enumerated().flatMap { label, n in [Int32](repeating: Int32(label), count: n) }
        return Dataset(images: [UInt8](repeating: 0, count: labels.count * 2304), labels: labels, split: split, source: "mem")
    }

    @Test func countsAndImbalance() throws {
        var report = LoadReport(limit: 2)
        for line in 2 ... 4 { report.record(DataError(.badLabel, path: "x.csv", line: line, reason: "emotion label 9 is outside 0-6")) }
        let summary = DatasetSummary(source: "x.csv (Kaggle CSV)",
                                     datasets: [dataset([10, 0, 5, 40, 8, 8, 8], split: .train), dataset([2, 1, 1, 4, 1, 1, 1], split: .test)],
                                     report: report)
        #expect(summary.total == 90)
        #expect(summary.perClass == [12, 1, 6, 44, 9, 9, 9])
        #expect(summary.splits.map(\.total) == [79, 11])
        #expect(summary.splits[0].imbalanceRatio == 8) // 40 / 5: the empty class is left out
        #expect(summary.splits[1].imbalanceRatio == 4)
        #expect(summary.imbalanceRatio == 44)
        #expect(summary.skipped == 3)
        #expect(summary.skippedMessages.count == 2)

        let text = summary.text
        #expect(text.contains("happy"))
        #expect(text.contains("imbalance"))
        #expect(text.contains("8.00"))
        #expect(text.contains("44.00"))
        #expect(text.contains("skipped: 3"))
        #expect(text.contains("x.csv:2: emotion label 9"))
        #expect(text.contains("and 1 more"))
    }

    @Test func jsonIsValidWithStableKeyOrder() throws {
        var report = LoadReport()
        report.record(DataError(.notAnImage, path: "a \"quoted\"\\path\n.jpg", reason: "not an image"))
        let summary = DatasetSummary(source: "src", datasets: [dataset([1, 2, 3, 4, 5, 6, 7], split: .train)], report: report)
        let json = summary.json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["total"] as? Int == 28)
        #expect(object["skipped"] as? Int == 1)
        #expect((object["skipped_messages"] as? [String])?.first?.contains("\"quoted\"") == true)
        let splits = try #require(object["splits"] as? [[String: Any]])
        #expect(splits.first?["usage"] as? String == "Training")
        #expect((splits.first?["per_class"] as? [String: Int])?["neutral"] == 7)
        #expect(object["imbalance_ratio"] as? Double == 7)

        let keys = ["\"source\"", "\"total\"", "\"per_class\"", "\"imbalance_ratio\"", "\"splits\"", "\"skipped\"", "\"skipped_messages\""]
        let positions = keys.map { json.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(json == DatasetSummary(source: "src", datasets: [dataset([1, 2, 3, 4, 5, 6, 7], split: .train)], report: report).json)

        let empty = DatasetSummary(source: "none", datasets: [], report: LoadReport())
        #expect(try JSONSerialization.jsonObject(with: Data(empty.json.utf8)) is [String: Any])
        #expect(empty.imbalanceRatio == nil)
    }
}
