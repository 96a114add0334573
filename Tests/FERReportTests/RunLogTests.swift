import FERReport
import Foundation
import Testing

/// metrics.jsonl in every form fer-cl has written or will write must keep loading.
struct RunLogTests {
    /// The first form: nested values as JSON inside strings (what fe46640 writes).
    static let stringForm = #"""
        {"command":"fer-cl train --epochs 2","created":"2026-12-01T10:00:00Z","device":"cpu-haswell","driver":"Portable Computing Language 3.1","fer_cl_commit":"fe46640","fer_cl_version":"0.1.0","tile_shape":"{\"mr\":6,\"nv\":1}","training_options":"{\"batch\":64,\"epochs\":2,\"learningRate\":0.001,\"seed\":1}","type":"run"}
        {"epoch":1,"images_per_s":180.5,"lr":0.001,"seconds":140.2,"train_accuracy":0.31,"train_loss":1.72,"type":"epoch","val_accuracy":0.371,"val_loss":1.6}
        {"epoch":2,"images_per_s":190,"lr":0.001,"seconds":130,"train_accuracy":0.45,"train_loss":1.4,"type":"epoch","val_accuracy":0.431,"val_loss":1.5}
        """#

    /// The nested form with a schema version; a field missing, an unknown record type, NaN as fer-cl writes it.
    static let nestedForm = #"""
        {"type":"run","schema":2,"command":"fer-cl train","fer_cl_commit":"abc1234","tile_shape":{"mr":6,"nv":1},"training_options":{"batch":32,"epochs":3,"schedule":"cosine","flip":true}}
        {"type":"epoch","epoch":1,"train_loss":2.0,"train_accuracy":0.2,"lr":0.01}
        {"type":"something_new","value":1}
        {"type":"resume","schema":2,"command":"fer-cl train --resume","created":"2026-12-02T01:00:00Z","epoch":1,"batch_in_epoch":3,"epochs":3}
        {"type":"epoch","epoch":2,"train_loss":"nan","train_accuracy":0.1,"val_accuracy":0.15,"lr":0.005,"per_class_recall":{"angry":0.1}}
        {"type":"epoch","epoch":3,"train_lo
        """#

    @Test func readsTheStringEncodedForm() {
        let log = RunLog(name: "old", jsonLines: Self.stringForm)
        #expect(log.provenance["fer_cl_commit"] == "fe46640")
        #expect(log.provenance["command"] == "fer-cl train --epochs 2")
        #expect(log.provenance["tile_shape"] == "mr: 6, nv: 1")
        #expect(log.options["batch"] == "64")
        #expect(log.options["learningRate"] == "0.001")
        #expect(log.epochs.map(\.epoch) == [1, 2])
        #expect(log.epochs[0].validationAccuracy == 0.371)
        #expect(log.epochs[1].imagesPerSecond == 190)
        #expect(log.skippedLines == 0)
    }

    @Test func readsTheNestedFormWithMissingFieldsAndACutLine() {
        let log = RunLog(name: "new", jsonLines: Self.nestedForm)
        #expect(log.provenance["schema"] == "2")
        #expect(log.provenance["tile_shape"] == "mr: 6, nv: 1")
        #expect(log.options["schedule"] == "cosine")
        #expect(log.options["flip"] == "true")
        #expect(log.options["batch"] == "32")
        #expect(log.epochs.map(\.epoch) == [1, 2])
        #expect(log.epochs[0].validationAccuracy == nil && log.epochs[0].validationLoss == nil)
        #expect(log.epochs[1].trainLoss?.isNaN == true)
        #expect(log.epochs[1].validationAccuracy == 0.15)
        #expect(log.skippedLines == 1)
        #expect(log.resumes == ["2026-12-02T01:00:00Z at epoch 2, batch 4 fer-cl train --resume"])
    }

    @Test func aResumedRunKeepsTheLastRecordOfAnEpoch() {
        let text = #"""
            {"type":"epoch","epoch":1,"train_loss":2.0}
            {"type":"epoch","epoch":2,"train_loss":1.5}
            {"type":"epoch","epoch":2,"train_loss":1.4}
            """#
        #expect(RunLog(name: "r", jsonLines: text).epochs.map(\.trainLoss) == [2.0, 1.4])
    }

    @Test func aFolderWithoutMetricsIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fer-cl-runlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(throws: RunLogError.self) { try RunLog(contentsOf: folder) }
        try Data("not json\n".utf8).write(to: folder.appendingPathComponent("metrics.jsonl"))
        let error = #expect(throws: RunLogError.self) { try RunLog(contentsOf: folder) }
        #expect("\(error!)".contains("no provenance or epoch records"))
        try Data(Self.stringForm.utf8).write(to: folder.appendingPathComponent("metrics.jsonl"))
        #expect(try RunLog(contentsOf: folder).name == folder.lastPathComponent)
    }
}
