import FERReport
import Foundation

struct PlotCommand: Command {
    static let name = "plot"
    static let summary = "Draw a run's learning curves (loss, accuracy, learning rate by epoch) as an SVG."
    static let usage = "RUN... [--out FILE.svg]"
    static let options: [OptionSpec] = [
        .value("out", "FILE.svg", "Where to write the SVG (default RUN/learning-curves.svg for one run; required for several)."),
    ]
    static let discussion = """
        RUN is a run folder (or its metrics.jsonl). Several runs are overlaid in one plot, each in its own colour; \
        training curves are solid, validation curves dashed. `train` writes RUN/learning-curves.svg itself at the end.
        """
    static var allowsPositional: Bool { true }

    let runs: [String]
    let out: String

    init(_ arguments: ParsedArguments) throws {
        runs = arguments.positional
        guard !runs.isEmpty else { throw UsageError(message: "give at least one run folder", command: Self.name) }
        if let out = arguments.string("out") {
            self.out = out
        } else if runs.count == 1 {
            out = URL(fileURLWithPath: runs[0]).appendingPathComponent(RunFolderReport.curvesFile).path
        } else {
            throw UsageError(message: "--out FILE.svg is required for several runs", command: Self.name)
        }
    }

    func run() throws -> Int32 {
        let logs = try runs.map { try RunLog(contentsOf: URL(fileURLWithPath: $0)) }
        try Data(LearningCurves.svg(logs).utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        print("learning curves of \(logs.map { "\($0.name) (\($0.epochs.count) epochs)" }.joined(separator: ", ")): \(out)")
        return 0
    }
}
