import FERCore
import FERData
import FERReport
import FERTrain
import Foundation

/// What `train` leaves in its run folder after the final model: the learning curves as an SVG,
/// the final model's evaluation on the test split of --data (evaluation.json) and report.html.
/// The gallery is left out here: it is for `fer-cl report --data`, which a user asks for.
enum RunFolderReport {
    static let curvesFile = "learning-curves.svg"
    static let reportFile = "report.html"

    /// Never fails the run: the model is already saved, so a problem here is a warning.
    static func write(run: RunDirectory, backend: Backend, data: DataSelection, batch: Int) {
        do {
            let log = try RunLog(contentsOf: run.url)
            try Data(LearningCurves.svg([log]).utf8).write(to: run.url.appendingPathComponent(curvesFile), options: .atomic)
            var scored: ScoredModel?
            do {
                // The run's own data (a resumed run's command line may not name it).
                let loaded = try loadDatasets(at: data.path, options: LoadOptions(skipBad: data.skipBad))
                if let dataset = try? EvaluateCommand.scoredSplit(loaded, usage: nil) {
                    scored = try ModelScoring.score(model: run.model, data: dataset, describedAs: "\(dataset.source) (\(dataset.split), \(dataset.count) images)",
                                                    on: backend, gallery: false, batch: batch).0
                    try scored?.write(into: run.url)
                }
            } catch {
                printError("fer-cl: warning: the final model was not scored for the report: \(error)")
            }
            let page = HTMLReport.html([ReportedRun(log: log, evaluation: scored)])
            try Data(page.utf8).write(to: run.url.appendingPathComponent(reportFile), options: .atomic)
            printError("report: \(run.url.appendingPathComponent(reportFile).path)"
                  + (scored.map { String(format: " (final model %.2f%% on %@)", $0.evaluation.accuracy * 100, $0.data) } ?? ""))
        } catch {
            printError("fer-cl: warning: the run's report was not written: \(error)")
        }
    }
}
