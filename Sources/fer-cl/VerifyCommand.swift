import FERCore
import Foundation
import ReferenceBackend
import Verification

struct VerifyCommand: Command {
    static let name = "verify"
    static let summary = "Compare every op, and one whole training step of the seed network, between the pure-Swift reference and an OpenCL device."
    static let usage = "[--device D] [--json] [--seed 2013] [--batch 4] [--kernels DIR]"
    static let options: [OptionSpec] = [
        BackendChoice.deviceOption,
        .flag("json", "Write the results as JSON to standard output instead of a table."),
        .value("seed", "N", "Seed of the random inputs and initial weights (default 2013)."),
        .value("batch", "N", "Batch size of the whole-step check (default 4)."),
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        Error per tensor: max|a - b| / max(max|b|, 1e-12), b the reference. Exit status 1 if any \
        tensor exceeds its tolerance. Tolerances and the rules for near-tie decisions and \
        noise-level Adam updates are in README.md ("Verification").
        """

    let arguments: ParsedArguments
    let json: Bool
    let seed: UInt64
    let batch: Int

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        json = arguments.flag("json")
        seed = try arguments.uint64("seed", default: 2013)
        batch = try arguments.int("batch", default: 4, range: 2...256)
    }

    struct Row: Encodable { let section, tensor: String; let error, tolerance: Float; let passed: Bool; let note: String }
    struct Report: Encodable { let device: String; let seed: UInt64; let passed: Bool; let failures: Int; let results: [Row] }

    func run() throws -> Int32 {
        let candidate = try BackendChoice.make(arguments)
        var run = VerifyRun(reference: ReferenceBackend(), candidate: candidate)
        run.seed = seed
        run.stepBatch = batch
        if !json { print("fer-cl verify: reference vs \(candidate.name), seed \(seed)\n") }
        let sections = try run.run { section in
            guard !json else { return }
            print("== \(section.title)")
            print(table(header: ["tensor", "error", "tolerance", "result", "note"], rows: section.comparisons.map { c in
                [c.name, String(format: "%.2e", c.error), String(format: "%.0e", c.tolerance), c.passed ? "pass" : "FAIL", c.note]
            }))
            print("")
        }
        let rows = sections.flatMap { section in
            section.comparisons.map { Row(section: section.title, tensor: $0.name, error: $0.error.isFinite ? $0.error : Float.greatestFiniteMagnitude,
                                          tolerance: $0.tolerance, passed: $0.passed, note: $0.note) }
        }
        let failures = rows.filter { !$0.passed }.count
        if json {
            try printJSON(Report(device: candidate.name, seed: seed, passed: failures == 0, failures: failures, results: rows))
        } else {
            print(failures == 0 ? "verify: all \(rows.count) tensors within tolerance"
                                : "verify: \(failures) of \(rows.count) tensors FAILED")
        }
        return failures == 0 ? 0 : 1
    }
}
