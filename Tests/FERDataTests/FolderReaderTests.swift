import FERData
import Foundation
import Testing

/// A small synthetic copy of the image-folder release: PNG faces, plus colour and
/// odd-sized JPEGs, under ROOT/train/<class>/ and ROOT/test/<class>/.
private func makeImageFolders(in dir: ScratchDirectory, seed: UInt64 = 9) throws -> String {
    var random = FixtureRandom(state: seed)
    for (split, perClass) in [("train", 3), ("test", 2)] {
        for emotion in EmotionClass.allCases {
            // Mixed-case folder names, as some mirrors ship them.
            let folder = emotion == .happy ? "Happy" : emotion.name
            for i in 0 ..< perClass {
                let png = try encodePNG(gray: random.bytes(2304), width: 48, height: 48)
                dir.write("root/\(split)/\(folder)/img\(perClass - i).png", png)
            }
        }
    }
    let colour = random.bytes(70 * 53 * 3)
    dir.write("root/train/sad/colour.jpg", try encodeJPEG(rgb: colour, width: 70, height: 53))
    dir.write("root/test/fear/tiny.jpeg", try encodeJPEG(gray: random.bytes(20 * 30), width: 20, height: 30))
    dir.write("root/train/.DS_Store", text: "ignored: hidden")
    dir.write("root/train/angry/.hidden.png", text: "ignored: hidden")
    dir.write("root/README.txt", text: "ignored: not a folder")
    return dir.file("root")
}

@Suite("Image-folder reader and layout detection")
struct FolderReaderTests {
    @Test func loadsBothSplitsInLabelThenNameOrder() throws {
        let dir = ScratchDirectory()
        let root = try makeImageFolders(in: dir)
        #expect(try DatasetLocation.open(path: root) == .splitFolders(
            root: root, folders: [.train: root + "/train", .test: root + "/test"]))
        let all = try loadDatasets(at: root)
        let train = try #require(all[.train]), test = try #require(all[.test])
        #expect(train.count == 22 && test.count == 15)
        #expect(train.classCounts == [3, 3, 3, 3, 4, 3, 3])
        #expect(test.classCounts == [2, 2, 3, 2, 2, 2, 2])
        // Label order (sad = 4 before surprise = 5 before neutral = 6), never alphabetical.
        #expect(train.labels == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 6])
        // Within a class files are sorted by name: img1 is the last one written.
        let first = try loadFERImage(atPath: root + "/train/angry/img1.png")
        #expect(Array(train.image(at: 0)) == first)
        let colour = try loadFERImage(atPath: root + "/train/sad/colour.jpg")
        #expect(Array(train.image(at: 12)) == colour)
        #expect(train.source.contains(root))
        #expect(dataError { _ = try loadDataset(at: root, split: .privateTest) }?.kind == .missingSplit)
    }

    @Test func folderToCSVToDatasetRoundTripsImageForImage() throws {
        let dir = ScratchDirectory()
        let root = try makeImageFolders(in: dir)
        let folders = try loadDatasets(at: root)
        let csvPath = dir.file("fer2013.csv")
        try writeFER2013CSV(folders.datasets, to: csvPath)
        let fromCSV = try loadDatasets(at: csvPath)
        #expect(fromCSV.datasets.map(\.split) == [.train, .test])
        for split in [Dataset.Split.train, .test] {
            let a = try #require(folders[split]), b = try #require(fromCSV[split])
            #expect(a.labels == b.labels)
            #expect(a.images == b.images)
            #expect(a.classCounts == b.classCounts)
        }
        // The folder holding the CSV is found too.
        try FileManager.default.removeItem(atPath: root)
        #expect(try DatasetLocation.open(path: dir.path) == .csv(path: csvPath))
    }

    @Test func parallelAndSerialDecodingAgree() throws {
        let dir = ScratchDirectory()
        let root = try makeImageFolders(in: dir)
        #expect(try loadDatasets(at: root) == loadDatasets(at: root, options: LoadOptions(parallel: false)))
    }

    @Test func singleClassFolderLayoutIsOneSplit() throws {
        let dir = ScratchDirectory()
        let root = try makeImageFolders(in: dir)
        #expect(try DatasetLocation.open(path: root + "/test") == .classFolders(path: root + "/test", split: .test))
        let test = try loadDataset(at: root + "/test", split: .test)
        #expect(test.count == 15)
        #expect(dataError { _ = try loadDataset(at: root + "/test", split: .train) }?.kind == .missingSplit)

        try FileManager.default.moveItem(atPath: root + "/train", toPath: dir.file("faces"))
        let faces = try loadDatasets(at: dir.file("faces"))
        #expect(faces.datasets.map(\.split) == [.train])
        #expect(faces.datasets[0].count == 22)
    }

    @Test func unknownClassFolderFailsOrIsSkipped() throws {
        let dir = ScratchDirectory()
        let root = try makeImageFolders(in: dir)
        dir.write("root/train/contempt/a.png", try encodePNG(gray: [UInt8](repeating: 1, count: 2304), width: 48, height: 48))
        let error = try #require(dataError { _ = try loadDataset(at: root, split: .train) })
        #expect(error.kind == .unknownClassFolder)
        #expect(error.path == root + "/train/contempt")
        #expect(error.reason.contains("'contempt'"))

        let train = try loadDataset(at: root, split: .train, options: LoadOptions(skipBad: true))
        #expect(train.count == 22)
        #expect(train.report.skipped == 1)
        #expect(train.report.messages.first?.contains("contempt") == true)
        // The test split is unaffected.
        #expect(try loadDataset(at: root, split: .test).report.isEmpty)
    }

    @Test func badImageFilesFailWithTheirPathOrAreSkipped() throws {
        let dir = ScratchDirectory()
        let root = try makeImageFolders(in: dir)
        let good = try Data(contentsOf: URL(fileURLWithPath: root + "/train/angry/img1.png"))
        dir.write("root/train/angry/img0-truncated.png", Array(good.prefix(100)))
        dir.write("root/train/Happy/notes.txt", text: "not an image")
        dir.makeDirectory("root/train/neutral/nested")

        let error = try #require(dataError { _ = try loadDataset(at: root, split: .train) })
        #expect(error.kind == .truncatedImage)
        #expect(error.path == root + "/train/angry/img0-truncated.png")

        let train = try loadDataset(at: root, split: .train, options: LoadOptions(skipBad: true))
        #expect(train.count == 22)
        #expect(train.report.skipped == 3)
        #expect(train.report.messages.count == 3)
        #expect(train.report.messages[0].contains("img0-truncated.png: truncated PNG"))
        #expect(train.report.messages[1].contains("notes.txt: this is a text file, not an image"))
        #expect(train.report.messages[2].contains("nested: is a directory"))
    }

    @Test func unrecognisedAndEmptyLayoutsAreReported() throws {
        let dir = ScratchDirectory()
        dir.makeDirectory("nothing")
        #expect(dataError { _ = try DatasetLocation.open(path: dir.file("nothing")) }?.kind == .unrecognizedLayout)
        dir.makeDirectory("other/images")
        let error = try #require(dataError { _ = try loadDatasets(at: dir.file("other")) })
        #expect(error.kind == .unrecognizedLayout)
        #expect(error.reason.contains("images"))

        dir.makeDirectory("hollow/train/angry")
        dir.makeDirectory("hollow/test/happy")
        let empty = try #require(dataError { _ = try loadDatasets(at: dir.file("hollow")) })
        #expect(empty.kind == .emptyDataset)
        dir.makeDirectory("noclasses/train/misc")
        let noClasses = try #require(dataError { _ = try loadDataset(at: dir.file("noclasses"), split: .train, options: LoadOptions(skipBad: true)) })
        #expect(noClasses.kind == .emptyDataset)
        #expect(dataError { _ = try loadDatasets(at: dir.file("does-not-exist")) }?.kind == .pathNotFound)
    }

    @Test func classNamesMatchIgnoringCaseOnly() {
        #expect(EmotionClass(folderName: "Angry") == .angry)
        #expect(EmotionClass(folderName: "ANGRY") == .angry)
        #expect(EmotionClass(folderName: "neutral") == .neutral)
        #expect(EmotionClass(folderName: "neutrality") == nil)
        #expect(EmotionClass(folderName: "surprised") == nil)
        #expect(EmotionClass.allCases.map(\.name) == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
        #expect(EmotionClass.allCases.map(\.rawValue) == Array(0 ... 6))
        #expect(Dataset.Split(usage: "PrivateTest") == .privateTest)
        #expect(Dataset.Split(usage: "Training") == .train)
        #expect(Dataset.Split.publicTest == .test)
        #expect(Dataset.Split(usage: "Validation") == nil)
    }
}
