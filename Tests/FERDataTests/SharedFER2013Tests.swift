import FERData
import Foundation
import Testing

/// Checks against the real FER-2013 image folders when the shared copy is present.
@Suite("Shared FER-2013 copy", .enabled(if: sharedFER2013Present, Comment(rawValue: "no FER-2013 image folders at \(sharedFER2013Path)")))
struct SharedFER2013Tests {
    /// Number of visible files in each class folder, straight from the file system.
    private func fileCounts(_ split: String) throws -> [Int] {
        try EmotionClass.allCases.map { emotion in
            try FileManager.default.contentsOfDirectory(atPath: "\(sharedFER2013Path)/\(split)/\(emotion.name)")
                .filter { !$0.hasPrefix(".") }.count
        }
    }

    @Test func folderAndCSVAgreeOnEveryCount() throws {
        let start = Date()
        let folders = try loadDatasets(at: sharedFER2013Path)
        let decodeSeconds = Date().timeIntervalSince(start)
        let train = try #require(folders[.train]), test = try #require(folders[.test])
        #expect(train.count == 28_709)
        #expect(test.count == 3_589)
        #expect(train.classCounts == (try fileCounts("train")))
        #expect(test.classCounts == (try fileCounts("test")))
        #expect(train.classCounts == [3995, 436, 4097, 7215, 4830, 3171, 4965])
        #expect(test.classCounts == [467, 56, 496, 895, 653, 415, 607])
        #expect(folders.report.isEmpty)

        let dir = ScratchDirectory()
        let csvPath = dir.file("fer2013.csv")
        try writeFER2013CSV([train, test], to: csvPath)
        let csvStart = Date()
        let fromCSV = try loadDatasets(at: csvPath)
        let parseSeconds = Date().timeIntervalSince(csvStart)
        #expect(fromCSV[.train]?.classCounts == train.classCounts)
        #expect(fromCSV[.test]?.classCounts == test.classCounts)
        #expect(fromCSV[.train]?.images == train.images)
        #expect(fromCSV[.test]?.images == test.images)
        #expect(fromCSV[.test]?.labels == test.labels)

        print("FER-2013 folders: train \(train.count) \(train.classCounts), test \(test.count) \(test.classCounts); "
            + "decode \(String(format: "%.2f", decodeSeconds)) s, CSV parse \(String(format: "%.2f", parseSeconds)) s")
        print(DatasetSummary(folders).text)
    }
}
