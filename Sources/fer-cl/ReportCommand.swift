import FERData
import FERReport
import Foundation

struct ReportCommand: Command {
    static let name = "report"
    static let summary = "Write one self-contained HTML page about runs: provenance, curves, per-class scores, confusion matrix, gallery."
    static let usage = "RUN... [--data PATH] [--out report.html] [--model-file NAME] [--device D]"
    static let options: [OptionSpec] = [
        .value("out", "FILE.html", "Where to write the report (default report.html)."),
        DataChoice.option("Score each run's model on this data (as `evaluate` does) and add a gallery of its most confident mistakes and least confident correct answers per class. Without it, the evaluation.json that `train` left in the run folder is shown."),
        .value("model-file", "NAME", "Which model file of each run folder to score (default model.safetensors, the final model)."),
        .value("batch", "N", "Evaluation batch size (default 256)."),
        BackendChoice.deviceOption,
        DataChoice.skipBadOption,
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        The page needs no network and no other files (inline CSS and SVG, images as data URIs). Several runs get \
        their curves overlaid and a side-by-side table. `train` writes RUN/report.html itself at the end (scored on \
        the test split of its --data, without the gallery).
        """
    static var allowsPositional: Bool { true }

    let arguments: ParsedArguments
    let runs: [String]

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        runs = arguments.positional
        guard !runs.isEmpty else { throw UsageError(message: "give at least one run folder", command: Self.name) }
        _ = try arguments.int("batch", default: 256, range: 1...65_536)
    }

    func run() throws -> Int32 {
        var reported = try runs.map { path in
            let url = URL(fileURLWithPath: path)
            return ReportedRun(log: try RunLog(contentsOf: url), evaluation: ScoredModel.read(from: url))
        }
        if arguments.string("data") != nil {
            let backend = try BackendChoice.make(arguments, runsLoadedModel: true)
            let loaded = try DataChoice.load(arguments)
            let dataset = try EvaluateCommand.scoredSplit(loaded, usage: nil)
            let description = "\(dataset.source) (\(dataset.split), \(dataset.count) images)"
            let file = arguments.string("model-file") ?? "model.safetensors"
            for index in reported.indices {
                let model = URL(fileURLWithPath: runs[index]).appendingPathComponent(file)
                guard FileManager.default.fileExists(atPath: model.path) else {
                    printError("fer-cl report: \(runs[index]) has no \(file); its model is not scored")
                    continue
                }
                let (scored, gallery) = try ModelScoring.score(model: model, data: dataset, describedAs: description, on: backend,
                                                               gallery: true, batch: try arguments.int("batch", default: 256))
                reported[index].evaluation = scored
                reported[index].gallery = gallery
            }
        }
        let out = arguments.string("out") ?? "report.html"
        try Data(HTMLReport.html(reported).utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        print("report of \(reported.count) run(s): \(out)")
        return 0
    }
}
