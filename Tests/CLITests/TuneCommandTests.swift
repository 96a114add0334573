import Foundation
import Testing

/// `fer-cl tune` end to end, on a temporary cache folder and the quick search (two candidates
/// on one small layer), so it takes seconds.
@Suite(.serialized) struct TuneCommandTests {
    @Test func tuneWritesTheCacheThenReportsItAndReplacesACorruptOne() throws {
        let folder = temporaryFolder("tuning")
        let environment = ["FER_CL_TUNING_CACHE": folder.path]

        let first = try CLI.run(["tune", "--quick"], environment: environment)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("chosen:"))
        #expect(first.output.contains("cache written to \(folder.path)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count == 1)

        let second = try CLI.run(["tune", "--quick"], environment: environment)
        #expect(second.status == 0)
        #expect(second.output.contains("already tuned"))
        #expect(!second.output.contains("chosen:"), "a valid cache is not measured again")

        let json = try CLI.run(["tune", "--quick", "--json"], environment: environment)
        let report = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(report?["status"] as? String == "cached")

        let file = folder.appendingPathComponent(files.first ?? "missing.json")
        try Data("{ not json".utf8).write(to: file)
        let bench = try CLI.run(["bench", "--steps", "1", "--warmup", "0", "--batch", "2"], environment: environment)
        #expect(bench.status == 0, "a corrupt cache must not fail a run: \(bench.error)")
        #expect(bench.output.contains("tuning: default (\(file.path) not used"))

        let replaced = try CLI.run(["tune", "--quick"], environment: environment)
        #expect(replaced.status == 0)
        #expect(replaced.error.contains("not used"))
        #expect(replaced.output.contains("cache written to"))
        let after = try CLI.run(["bench", "--steps", "1", "--warmup", "0", "--batch", "2"], environment: environment)
        #expect(after.output.contains("tuning: cached (\(file.path))"))
    }

    /// A --quick record is a smoke test: a plain `tune` (and `train`) measure for real instead of trusting it.
    @Test func quickRecordIsNotTrustedAsATuning() throws {
        let folder = temporaryFolder("tuning")
        let environment = ["FER_CL_TUNING_CACHE": folder.path]
        #expect(try CLI.run(["tune", "--quick"], environment: environment).status == 0)
        let forced = try CLI.run(["tune", "--quick", "--force", "--json"], environment: environment)
        let report = try JSONSerialization.jsonObject(with: Data(forced.output.utf8)) as? [String: Any]
        #expect(report?["replaced"] as? String == "--force")
        let record = report?["record"] as? [String: Any]
        #expect((record?["workload"] as? String)?.hasPrefix("quick smoke test") == true, "quick records say what they are")
    }

    @Test func referenceBackendHasNothingToTune() throws {
        let result = try CLI.run(["tune", "--device", "reference"])
        #expect(result.status == 2)
        #expect(result.error.contains("choose an OpenCL device"))
    }
}
