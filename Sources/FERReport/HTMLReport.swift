import FERData
import FERTrain
import Foundation

/// One self-contained HTML page about one or more runs: inline CSS and SVG, images as data
/// URIs, no script and nothing fetched, so it opens anywhere, offline, and can be mailed.
public enum HTMLReport {
    public static func html(_ runs: [ReportedRun], generated: Date = Date()) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>fer-cl report: \(Markup.escape(runs.map(\.log.name).joined(separator: ", ")))</title>
            <style>\(style)</style></head><body>
            <h1>fer-cl report</h1>
            <p class="generated">\(runs.count) run\(runs.count == 1 ? "" : "s"), generated \(ISO8601DateFormatter().string(from: generated))</p>

            """
        if runs.count > 1 { page += comparison(runs) }
        page += "<h2>Learning curves</h2>\n<div class=\"curves\">\n" + LearningCurves.svg(runs.map(\.log)) + "</div>\n"
        for (index, run) in runs.enumerated() { page += section(run, index: index) }
        return page + "</body></html>\n"
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em}
        h1{margin-bottom:0}.generated{color:#666;margin-top:.2em}
        table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
        .run{border-top:3px solid var(--run-color);margin-top:2em}.run h2 span{color:var(--run-color)}
        .provenance td:first-child{font-weight:600;white-space:nowrap}.provenance td{word-break:break-all}
        .gallery{display:flex;flex-wrap:wrap;gap:4px;margin-bottom:.6em}
        figure{margin:0;width:100px;font-size:11px;text-align:center}
        figure img{width:96px;height:96px;image-rendering:pixelated;display:block;margin:auto}
        .mistake figcaption{color:#b00}.unsure figcaption{color:#060}.note{color:#666}
        """

    static func comparison(_ runs: [ReportedRun]) -> String {
        var html = "<h2>Runs side by side</h2>\n<table id=\"comparison\"><tr><th>run</th><th class=\"num\">epochs</th><th class=\"num\">final train loss</th><th class=\"num\">final validation accuracy</th><th class=\"num\">best validation accuracy</th><th class=\"num\">model accuracy</th><th class=\"num\">macro F1</th><th>scored on</th><th>commit</th><th>device</th></tr>\n"
        for (index, run) in runs.enumerated() {
            let last = run.log.epochs.last
            let best = run.log.epochs.compactMap(\.validationAccuracy).filter(\.isFinite).max()
            let color = Markup.palette[index % Markup.palette.count]
            html += "<tr data-run=\"\(Markup.escape(run.log.name))\"><td><span style=\"color:\(color)\">■</span> \(Markup.escape(run.log.name))</td>"
            html += "<td class=\"num\">\(last.map { "\($0.epoch)" } ?? "–")</td><td class=\"num\">\(last?.trainLoss.map { String(format: "%.4f", $0) } ?? "–")</td>"
            html += "<td class=\"num\">\(Markup.percent(last?.validationAccuracy))</td><td class=\"num\">\(Markup.percent(best))</td>"
            html += valueCell(run.evaluation.map { $0.evaluation.accuracy }, percent: true, field: "accuracy")
            html += valueCell(run.evaluation.map { $0.evaluation.macroF1 }, percent: false, field: "macro_f1")
            html += "<td>\(Markup.escape(run.evaluation?.data ?? "not scored"))</td>"
            html += "<td>\(Markup.escape(run.log.provenance["fer_cl_commit"] ?? "–"))</td><td>\(Markup.escape(run.log.provenance["device"] ?? "–"))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// A number cell: the value shown rounded, and exact in data-value (Swift's shortest
    /// round-tripping form), so a reader or a test can compare it with `evaluate --json`.
    static func valueCell(_ value: Double?, percent: Bool, field: String) -> String {
        guard let value else { return "<td class=\"num\">–</td>" }
        let shown = percent ? String(format: "%.2f%%", value * 100) : String(format: "%.3f", value)
        return "<td class=\"num\" data-field=\"\(field)\" data-value=\"\(value)\">\(shown)</td>"
    }

    static func section(_ run: ReportedRun, index: Int) -> String {
        let name = Markup.escape(run.log.name)
        var html = "<section class=\"run\" data-run=\"\(name)\" style=\"--run-color:\(Markup.palette[index % Markup.palette.count])\">\n<h2><span>■</span> \(name)</h2>\n"
        html += "<h3>Provenance</h3>\n<table class=\"provenance\">\n"
        let order = ["command", "fer_cl_commit", "fer_cl_version", "device", "driver", "created", "schema"]
        let keys = order.filter { run.log.provenance[$0] != nil } + run.log.provenance.keys.filter { !order.contains($0) }.sorted()
        for key in keys { html += "<tr><td>\(Markup.escape(key))</td><td>\(Markup.escape(run.log.provenance[key]!))</td></tr>\n" }
        for resume in run.log.resumes { html += "<tr><td>resumed</td><td>\(Markup.escape(resume))</td></tr>\n" }
        if keys.isEmpty { html += "<tr><td colspan=\"2\" class=\"note\">no provenance record in metrics.jsonl</td></tr>\n" }
        html += "</table>\n"
        if !run.log.options.isEmpty {
            html += "<details><summary>Training options</summary><table class=\"options\">\n"
            for key in run.log.options.keys.sorted() { html += "<tr><td>\(Markup.escape(key))</td><td>\(Markup.escape(run.log.options[key]!))</td></tr>\n" }
            html += "</table></details>\n"
        }
        html += epochTable(run.log)
        if let scored = run.evaluation {
            html += evaluationTables(scored)
        } else {
            html += "<p class=\"note\">The final model was not scored (give --data, or let train write evaluation.json).</p>\n"
        }
        if let gallery = run.gallery { html += galleryHTML(gallery) }
        return html + "</section>\n"
    }

    static func epochTable(_ log: RunLog) -> String {
        guard !log.epochs.isEmpty else { return "<p class=\"note\">No epoch records.</p>\n" }
        var html = "<details><summary>Epochs (\(log.epochs.count))</summary><table class=\"epochs\"><tr><th class=\"num\">epoch</th><th class=\"num\">train loss</th><th class=\"num\">train accuracy</th><th class=\"num\">validation loss</th><th class=\"num\">validation accuracy</th><th class=\"num\">learning rate</th><th class=\"num\">images/s</th><th class=\"num\">seconds</th></tr>\n"
        for e in log.epochs {
            let cells = [ "\(e.epoch)", e.trainLoss.map { String(format: "%.4f", $0) }, Markup.percent(e.trainAccuracy), e.validationLoss.map { String(format: "%.4f", $0) },
                          Markup.percent(e.validationAccuracy), e.learningRate.map(Markup.number), e.imagesPerSecond.map { String(format: "%.1f", $0) }, e.seconds.map { String(format: "%.1f", $0) } ]
            html += "<tr>" + cells.map { "<td class=\"num\">\($0 ?? "–")</td>" }.joined() + "</tr>\n"
        }
        return html + "</table></details>\n"
    }

    static func evaluationTables(_ scored: ScoredModel) -> String {
        let e = scored.evaluation
        var html = "<h3>Final model</h3>\n<p class=\"scored\">\(Markup.escape(scored.model)) on \(Markup.escape(scored.data)): "
        html += "accuracy <b data-field=\"accuracy\" data-value=\"\(e.accuracy)\">\(String(format: "%.2f%%", e.accuracy * 100))</b> of \(e.count) images, "
        html += "macro F1 <b data-field=\"macro_f1\" data-value=\"\(e.macroF1)\">\(String(format: "%.3f", e.macroF1))</b>, loss <b data-field=\"loss\" data-value=\"\(e.loss)\">\(String(format: "%.4f", e.loss))</b></p>\n"
        html += "<table class=\"per-class\"><tr><th>class</th><th class=\"num\">images</th><th class=\"num\">precision</th><th class=\"num\">recall</th><th class=\"num\">F1</th></tr>\n"
        for (c, name) in e.classes.enumerated() {
            html += "<tr data-class=\"\(Markup.escape(name))\"><td>\(Markup.escape(name))</td><td class=\"num\">\(e.confusion[c].reduce(0, +))</td>"
            html += valueCell(e.precision[name], percent: false, field: "precision") + valueCell(e.recall[name], percent: false, field: "recall")
                + valueCell(e.f1[name], percent: false, field: "f1") + "</tr>\n"
        }
        html += "</table>\n<div class=\"confusion\">\n" + e.confusionSVG + "</div>\n"
        return html
    }

    static func galleryHTML(_ gallery: Gallery) -> String {
        let names = EmotionClass.allCases.map(\.name)
        var html = "<h3>Gallery</h3>\n<p class=\"note\">Per true class: the most confident mistakes (red: predicted class and its probability), then the correct answers with the lowest probability (green).</p>\n"
        for group in gallery.classes {
            html += "<h4>\(names[group.trueClass])</h4>\n<div class=\"gallery\" data-class=\"\(names[group.trueClass])\">\n"
            for (kind, examples) in [("mistake", group.confidentMistakes), ("unsure", group.unsureCorrect)] {
                for example in examples {
                    let uri = (try? encodePNG(gray: example.pixels, width: Dataset.side, height: Dataset.side)).map { "data:image/png;base64," + Data($0).base64EncodedString() } ?? ""
                    let caption = "\(names[example.predictedClass]) \(String(format: "%.0f%%", example.confidence * 100))"
                    html += "<figure class=\"example \(kind)\"><img alt=\"image \(example.index)\" src=\"\(uri)\"><figcaption>#\(example.index) \(caption)</figcaption></figure>\n"
                }
            }
            if group.confidentMistakes.isEmpty && group.unsureCorrect.isEmpty { html += "<p class=\"note\">no images of this class</p>\n" }
            html += "</div>\n"
        }
        return html
    }
}
