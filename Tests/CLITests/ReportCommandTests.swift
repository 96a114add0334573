import FERTrain
import Foundation
import Testing

/// `train`'s run-folder report, `fer-cl plot` and `fer-cl report`, the report checked in headless Chromium.
@Suite(.serialized) struct ReportCommandTests {
    @Test func trainLeavesCurvesAnEvaluationAndAReport() throws {
        let fixture = try TrainedRun.shared.get()
        let svg = try String(contentsOf: fixture.run.appendingPathComponent("learning-curves.svg"), encoding: .utf8)
        #expect(svg.components(separatedBy: "<polyline class=\"curve\"").count - 1 == 5, "train/val loss, train/val accuracy, lr")
        let scored = try JSONDecoder().decode(EvaluationFile.self, from: Data(contentsOf: fixture.run.appendingPathComponent("evaluation.json")))
        let evaluate = try CLI.run(["evaluate", "--model", fixture.run.appendingPathComponent("model.safetensors").path, "--data", fixture.data.path, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        let fresh = try JSONDecoder().decode(Evaluation.self, from: Data(evaluate.output.utf8))
        #expect(scored.evaluation.confusion == fresh.confusion)
        #expect(scored.evaluation.accuracy == fresh.accuracy)
        let page = try String(contentsOf: fixture.run.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("class=\"per-class\"") && page.contains("<polyline class=\"curve\""))
    }

    @Test func plotWritesTheCurvesWhereAsked() throws {
        let fixture = try TrainedRun.shared.get()
        let out = temporaryFolder("plot").appendingPathExtension("svg")
        let result = try CLI.run(["plot", fixture.run.path, fixture.run.path, "--out", out.path])
        #expect(result.status == 0, "\(result.error)")
        let svg = try String(contentsOf: out, encoding: .utf8)
        #expect(svg.components(separatedBy: "<polyline class=\"curve\"").count - 1 == 10)
        let refused = try CLI.run(["plot", fixture.run.path, fixture.run.path])
        #expect(refused.status == 2 && refused.error.contains("--out"))
        let missing = try CLI.run(["plot", "/nonexistent/run"])
        #expect(missing.status == 1 && missing.error.contains("no such file or folder"))
    }

    /// Two runs with --data, opened in Chromium: the curves' SVG elements are on the page, every
    /// per-class number equals `evaluate --json` on the same model, the gallery holds images,
    /// and the page logs nothing to its console.
    @Test func reportInChromiumShowsTheEvaluateNumbers() throws {
        guard Chromium.path != nil else {
            print("skipped: no chromium (Scripts/setup installs it; or set $CHROMIUM)")
            return
        }
        let fixture = try TrainedRun.shared.get()
        let second = temporaryFolder("second-run")
        try FileManager.default.copyItem(at: fixture.run, to: second)
        let out = temporaryFolder("report").appendingPathExtension("html")
        let result = try CLI.run(["report", fixture.run.path, second.path, "--data", fixture.data.path, "--out", out.path])
        #expect(result.status == 0, "\(result.error)")
        let evaluate = try CLI.run(["evaluate", "--model", fixture.run.appendingPathComponent("model.safetensors").path, "--data", fixture.data.path, "--json"])
        let expected = try JSONDecoder().decode(Evaluation.self, from: Data(evaluate.output.utf8))

        let page = try Chromium.load(out.absoluteString, budgetMilliseconds: 1000)
        #expect(page.consoleMessages.isEmpty, "console: \(page.consoleMessages)")
        let dom = page.dom
        #expect(dom.components(separatedBy: "<polyline class=\"curve\"").count - 1 == 10, "5 curves for each of 2 runs")
        #expect(dom.components(separatedBy: "<tr data-run=").count - 1 == 2, "the side-by-side table has both runs")
        #expect(dom.components(separatedBy: "<figure class=\"example").count - 1 > 0, "the gallery has images")
        #expect(dom.contains("src=\"data:image/png;base64,"))
        for name in expected.classes {
            let row = try #require(Self.row(dom, className: name), "a row for \(name)")
            for (field, values) in [("precision", expected.precision), ("recall", expected.recall), ("f1", expected.f1)] {
                let cell = try #require(Self.cell(row, field: field), "\(name) \(field)")
                #expect(Double(cell.value) == values[name], "\(name) \(field): \(cell.value)")
                #expect(cell.shown == String(format: "%.3f", values[name]!))
            }
        }
        #expect(dom.contains("data-field=\"accuracy\" data-value=\"\(expected.accuracy)\">\(String(format: "%.2f%%", expected.accuracy * 100))<"))
        #expect(dom.contains("data-field=\"macro_f1\" data-value=\"\(expected.macroF1)\""))
    }

    struct EvaluationFile: Decodable { let evaluation: Evaluation }

    static func row(_ dom: String, className: String) -> Substring? {
        guard let start = dom.range(of: "<tr data-class=\"\(className)\">") else { return nil }
        guard let end = dom[start.upperBound...].range(of: "</tr>") else { return nil }
        return dom[start.upperBound..<end.lowerBound]
    }

    static func cell(_ row: Substring, field: String) -> (value: String, shown: String)? {
        guard let start = row.range(of: "data-field=\"\(field)\" data-value=\""),
              let quote = row[start.upperBound...].firstIndex(of: "\""),
              let open = row[quote...].firstIndex(of: ">"),
              let close = row[open...].firstIndex(of: "<") else { return nil }
        return (String(row[start.upperBound..<quote]), String(row[row.index(after: open)..<close]))
    }
}
