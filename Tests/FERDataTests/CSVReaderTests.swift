import FERData
import Foundation
import Testing

private let header = "emotion,pixels,Usage"

/// Builds a CSV from (label, pixels, usage) rows in the `fer2013.csv` column order.
private func csv(_ rows: [(String, String, String)], header: String = header, newline: String = "\n") -> String {
    ([header] + rows.map { "\($0.0),\($0.1),\($0.2)" }).joined(separator: newline) + newline
}

@Suite("FER-2013 CSV reader")
struct CSVReaderTests {
    @Test func readsKaggleLayoutIntoSplitsInFileOrder() throws {
        let dir = ScratchDirectory()
        let ramp = (0 ..< Dataset.pixelsPerImage).map { $0 % 256 }
        let path = dir.write("fer2013.csv", text: csv([
            ("3", pixelField(ramp), "Training"),
            ("0", pixelField(constant: 7), "PublicTest"),
            ("6", pixelField(constant: 255), "PrivateTest"),
            ("5", pixelField(constant: 0), "Training"),
        ]))
        let all = try loadDatasets(at: path)
        #expect(all.datasets.map(\.split) == [.train, .test, .privateTest])
        let train = try #require(all[.train])
        #expect(train.labels == [3, 5])
        #expect(Array(train.image(at: 0)) == ramp.map { UInt8($0) })
        #expect(train.image(at: 1).allSatisfy { $0 == 0 })
        #expect(train.classCounts == [0, 0, 0, 1, 0, 1, 0])
        #expect(train.emotion(at: 0) == .happy)
        #expect(all[.test]?.image(at: 0).allSatisfy { $0 == 7 } == true)
        #expect(all[.privateTest]?.labels == [6])
        #expect(all.report.isEmpty)
        #expect(try loadDataset(at: path, split: .publicTest).count == 1)
    }

    @Test func readsICMLVariantWithSpacesCRLFAndByteOrderMark() throws {
        let dir = ScratchDirectory()
        let text = "\u{FEFF}emotion, Usage, pixels\r\n"
            + "2, Training, \(pixelField(constant: 9))\r\n"
            + "4, PublicTest, \(pixelField(constant: 10))\r\n"
            + "\r\n"
        let path = dir.write("icml_face_data.csv", text: text)
        let all = try loadDatasets(at: path)
        #expect(all[.train]?.labels == [2])
        #expect(all[.train]?.image(at: 0).allSatisfy { $0 == 9 } == true)
        #expect(all[.test]?.labels == [4])
        #expect(all[.privateTest] == nil)
    }

    @Test func acceptsQuotedFieldsAndExtraColumns() throws {
        let dir = ScratchDirectory()
        let path = dir.write("quoted.csv", text: "\"Usage\",\"emotion\",\"pixels\",\"note\"\n"
            + "\"Training\",\"1\",\"\(pixelField(constant: 3))\",\"x\"\n")
        let train = try loadDataset(at: path, split: .train)
        #expect(train.labels == [1])
    }

    /// One bad row per failure mode, each at a known line; every one must be reported
    /// with that line and its reason, and none may crash.
    @Test(arguments: [
        ("2303 pixels", "0", pixelField(constant: 1, count: 2303), "Training", DataError.Kind.wrongPixelCount, "2303 pixel values"),
        ("2305 pixels", "0", pixelField(constant: 1, count: 2305), "Training", .wrongPixelCount, "2305 pixel values"),
        ("empty pixels", "0", "", "Training", .wrongPixelCount, "0 pixel values"),
        ("non-numeric", "0", pixelField(constant: 1, count: 16) + " 12a " + pixelField(constant: 1, count: 2287), "Training", .nonNumericPixel, "pixel 17 '12a'"),
        ("decimal point", "0", "1.5 " + pixelField(constant: 1, count: 2303), "Training", .nonNumericPixel, "pixel 1 '1.5'"),
        ("256", "0", pixelField(constant: 1, count: 2303) + " 256", "Training", .pixelOutOfRange, "pixel 2304 is 256"),
        ("negative", "0", "-1 " + pixelField(constant: 1, count: 2303), "Training", .pixelOutOfRange, "pixel 1 is -1"),
        ("huge", "0", "99999999999999999999 " + pixelField(constant: 1, count: 2303), "Training", .pixelOutOfRange, "outside 0-255"),
        ("label 7", "7", pixelField(constant: 1), "Training", .badLabel, "label 7 is outside 0-6"),
        ("label text", "happy", pixelField(constant: 1), "Training", .badLabel, "'happy' is not an integer"),
        ("label empty", "", pixelField(constant: 1), "Training", .badLabel, "is not an integer"),
        ("usage", "0", pixelField(constant: 1), "Validation", .unknownUsage, "unknown Usage 'Validation'"),
    ] as [(String, String, String, String, DataError.Kind, String)])
    func badRowIsReportedWithLineAndReason(
        _ name: String, _ label: String, _ pixels: String, _ usage: String, _ kind: DataError.Kind, _ reason: String
    ) throws {
        let dir = ScratchDirectory(name)
        let path = dir.write("bad.csv", text: csv([
            ("0", pixelField(constant: 1), "Training"),
            ("1", pixelField(constant: 2), "Training"),
            (label, pixels, usage),
            ("2", pixelField(constant: 3), "Training"),
        ]))
        let error = try #require(dataError { _ = try loadDataset(at: path, split: .train) })
        #expect(error.kind == kind)
        #expect(error.line == 4)
        #expect(error.path == path)
        #expect(error.description.hasPrefix("\(path):4: "))
        #expect(error.description.contains(reason), "\(error)")

        // The same file loads with the bad row left out and listed.
        let train = try loadDataset(at: path, split: .train, options: LoadOptions(skipBad: true))
        #expect(train.labels == [0, 1, 2])
        #expect(train.report.skipped == 1)
        #expect(train.report.messages == [error.description])
    }

    @Test func rowWithTooFewFieldsIsMalformed() throws {
        let dir = ScratchDirectory()
        let path = dir.write("short.csv", text: "\(header)\n0,\(pixelField(constant: 1)),Training\n0,\(pixelField(constant: 1))\n")
        let error = try #require(dataError { _ = try loadDatasets(at: path) })
        #expect(error.kind == .malformedRow)
        #expect(error.line == 3)
        #expect(error.reason.contains("expected 3 comma-separated fields"))
    }

    @Test(arguments: [
        ("emotion,Usage", "'pixels'"),
        ("emotion,pixels", "'Usage'"),
        ("label,pixels,Usage", "'emotion'"),
        ("\u{1}\u{2}garbage\u{FF}", "'emotion'"),
    ])
    func missingColumnIsReportedOnLineOne(_ headerLine: String, _ missing: String) throws {
        let dir = ScratchDirectory(headerLine)
        let path = dir.write("header.csv", text: "\(headerLine)\n0,\(pixelField(constant: 1)),Training\n")
        let error = try #require(dataError { _ = try loadDatasets(at: path, options: LoadOptions(skipBad: true)) })
        #expect(error.kind == .missingColumn)
        #expect(error.line == 1)
        #expect(error.description.contains("\(path):1:"))
        #expect(error.reason.contains(missing))
    }

    @Test func binaryFileIsRejectedNotCrashedOn() throws {
        let dir = ScratchDirectory()
        var random = FixtureRandom(state: 42)
        let path = dir.write("noise.csv", random.bytes(100_000))
        #expect(dataError { _ = try loadDatasets(at: path) } != nil)
        #expect(dataError { _ = try loadDatasets(at: path, options: LoadOptions(skipBad: true)) } != nil)
    }

    @Test func emptyInputsAreEmptyDatasets() throws {
        let dir = ScratchDirectory()
        let empty = dir.write("empty.csv", [])
        #expect(dataError { _ = try loadDatasets(at: empty) }?.kind == .emptyDataset)
        let headerOnly = dir.write("header-only.csv", text: "\(header)\n")
        let error = try #require(dataError { _ = try loadDatasets(at: headerOnly) })
        #expect(error.kind == .emptyDataset)
        #expect(error.path == headerOnly)

        let trainOnly = dir.write("train-only.csv", text: csv([("0", pixelField(constant: 1), "Training")]))
        let missing = try #require(dataError { _ = try loadDataset(at: trainOnly, split: .privateTest) })
        #expect(missing.kind == .emptyDataset)
        #expect(missing.reason.contains("privateTest"))
    }

    @Test func missingPathIsReported() {
        let error = dataError { _ = try loadDataset(at: "/nonexistent/fer2013.csv", split: .train) }
        #expect(error?.kind == .pathNotFound)
        #expect(error?.description.contains("/nonexistent/fer2013.csv") == true)
    }

    @Test func skipBadCountsEveryBadRowAndKeepsTheFirstMessages() throws {
        let dir = ScratchDirectory()
        var rows: [(String, String, String)] = []
        for i in 0 ..< 30 {
            rows.append(i % 3 == 0 ? ("9", pixelField(constant: 1), "Training") : ("\(i % 7)", pixelField(constant: i), "Training"))
        }
        rows.append(("0", pixelField(constant: 1), "Nonsense")) // line 32: split unknown
        rows.append(("0", pixelField(constant: 1, count: 5), "PublicTest")) // line 33
        rows.append(("1", pixelField(constant: 1), "PublicTest"))
        let path = dir.write("mixed.csv", text: csv(rows))

        let options = LoadOptions(skipBad: true, reportLimit: 3)
        let train = try loadDataset(at: path, split: .train, options: options)
        #expect(train.count == 20)
        #expect(train.report.skipped == 11) // 10 bad labels + the row whose split is unknown
        #expect(train.report.messages.count == 3)
        #expect(train.report.messages[0].contains(":2: emotion label 9"))

        let test = try loadDataset(at: path, split: .test, options: options)
        #expect(test.labels == [1])
        #expect(test.report.skipped == 2)
        #expect(test.report.messages.last?.contains(":33: 5 pixel values") == true)

        let all = try loadDatasets(at: path, options: options)
        #expect(all.report.skipped == 12) // each bad row counted once
        #expect(all[.train]?.report.skipped == 10)

        // Strict mode stops at the first bad row.
        #expect(dataError { _ = try loadDatasets(at: path) }?.line == 2)
    }

    @Test func allRowsBadIsAnEmptyDatasetEvenWhenSkipping() throws {
        let dir = ScratchDirectory()
        let path = dir.write("allbad.csv", text: csv([("8", pixelField(constant: 1), "Training"), ("0", "1 2 3", "Training")]))
        let error = try #require(dataError { _ = try loadDataset(at: path, split: .train, options: LoadOptions(skipBad: true)) })
        #expect(error.kind == .emptyDataset)
        #expect(error.reason.contains("all 2 record(s) were skipped"))
        #expect(error.reason.contains(":2: emotion label 8"))
    }

    @Test func parallelAndSerialParsingAgree() throws {
        let dir = ScratchDirectory()
        var random = FixtureRandom(state: 7)
        var rows: [(String, String, String)] = []
        for i in 0 ..< 700 {
            let pixels = random.bytes(Dataset.pixelsPerImage).map(Int.init)
            rows.append(("\(i % 7)", pixelField(pixels), ["Training", "PublicTest", "PrivateTest"][i % 3]))
        }
        let path = dir.write("many.csv", text: csv(rows))
        let parallel = try loadDatasets(at: path)
        let serial = try loadDatasets(at: path, options: LoadOptions(parallel: false))
        #expect(parallel == serial)
        #expect(parallel.datasets.map(\.count) == [234, 233, 233])
    }
}
