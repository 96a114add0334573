import FERReport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

struct LearningCurvesTests {
    /// The points of a polyline with the given run and series, in SVG coordinates.
    static func points(_ svg: String, run: String, series: String) -> [(Double, Double)]? {
        guard let start = svg.range(of: "<polyline class=\"curve\" data-run=\"\(run)\" data-series=\"\(series)\"") else { return nil }
        let rest = svg[start.upperBound...]
        guard let open = rest.range(of: "points=\""), let close = rest[open.upperBound...].firstIndex(of: "\"") else { return nil }
        return rest[open.upperBound..<close].split(separator: " ").map { pair in
            let parts = pair.split(separator: ",").map { Double($0)! }
            return (parts[0], parts[1])
        }
    }

    @Test func oneCurvePerSeriesWithItsPointsInOrder() throws {
        let log = RunLog(name: "old", jsonLines: RunLogTests.stringForm)
        let svg = LearningCurves.svg([log])
        for series in ["train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr"] {
            let points = try #require(Self.points(svg, run: "old", series: series), "\(series) drawn")
            #expect(points.count == 2)
            #expect(points[0].0 < points[1].0, "epochs run left to right")
        }
        // Loss falls (1.72 -> 1.4), so its line goes down the screen: y grows.
        let loss = try #require(Self.points(svg, run: "old", series: "train_loss"))
        #expect(loss[1].1 > loss[0].1)
        // Accuracy rises (31% -> 45%): y shrinks.
        let accuracy = try #require(Self.points(svg, run: "old", series: "train_accuracy"))
        #expect(accuracy[1].1 < accuracy[0].1)
        #expect(svg.contains("stroke-dasharray"), "validation curves are dashed")
    }

    @Test func severalRunsAreOverlaidInTheirOwnColours() throws {
        let a = RunLog(name: "a", jsonLines: RunLogTests.stringForm)
        let b = RunLog(name: "b", jsonLines: RunLogTests.nestedForm)
        let svg = LearningCurves.svg([a, b])
        #expect(Self.points(svg, run: "a", series: "val_accuracy")?.count == 2)
        #expect(Self.points(svg, run: "b", series: "val_accuracy")?.count == 1)
        // Run b's NaN loss of epoch 2 is left out, not drawn at a made-up height.
        #expect(Self.points(svg, run: "b", series: "train_loss")?.count == 1)
        #expect(Self.points(svg, run: "b", series: "val_loss") == nil)
        #expect(svg.contains("stroke=\"#1f77b4\"") && svg.contains("stroke=\"#d62728\""))
        let parsed = try XMLDocument(xmlString: svg)
        #expect(try parsed.nodes(forXPath: "//*[local-name()='polyline']").count == 9, "5 series of run a, 4 of run b (no validation loss)")
    }

    @Test func namesAreEscaped() throws {
        let svg = LearningCurves.svg([RunLog(name: "a<b&\"c\"", jsonLines: RunLogTests.stringForm)])
        #expect(!svg.contains("a<b"))
        _ = try XMLDocument(xmlString: svg)
    }
}
