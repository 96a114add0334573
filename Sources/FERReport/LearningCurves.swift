import Foundation

/// The learning curves of one or more runs as one SVG: loss, accuracy (train solid, validation
/// dashed) and the learning rate by epoch, runs overlaid in their own colours. This one
/// renderer serves `fer-cl plot`, the file written at the end of `train`, and the HTML report.
public enum LearningCurves {
    public static func svg(_ runs: [RunLog]) -> String {
        func series(_ title: String, _ key: String, dashed: Bool, _ value: (EpochRecord) -> Double?, scale: Double = 1) -> [ChartSeries] {
            runs.enumerated().compactMap { index, run in
                let points = run.epochs.compactMap { record in value(record).map { (x: Double(record.epoch), y: $0 * scale) } }
                guard !points.isEmpty else { return nil }
                let label = runs.count > 1 ? "\(run.name): \(title)" : title
                return ChartSeries(label: label, run: run.name, key: key, color: Markup.palette[index % Markup.palette.count], dashed: dashed, points: points)
            }
        }
        let panels = [
            LineChart(title: "Loss", panel: "loss", series: series("train loss", "train_loss", dashed: false, \.trainLoss)
                      + series("validation loss", "val_loss", dashed: true, \.validationLoss)),
            LineChart(title: "Accuracy (%)", panel: "accuracy", series: series("train accuracy", "train_accuracy", dashed: false, \.trainAccuracy, scale: 100)
                      + series("validation accuracy", "val_accuracy", dashed: true, \.validationAccuracy, scale: 100)),
            LineChart(title: "Learning rate", panel: "lr", series: series("learning rate", "lr", dashed: false, \.learningRate), logScale: true),
        ]
        let panelWidth = 300.0, panelHeight = 230.0
        let legendRows = runs.count + 1
        let width = panelWidth * Double(panels.count) + 20, height = panelHeight + 24 + Double(legendRows) * 18
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"learning-curves\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (index, panel) in panels.enumerated() {
            svg += panel.svg(at: 10 + Double(index) * panelWidth, 4)
        }
        var y = panelHeight + 22
        svg += "<g class=\"legend\">\n"
        svg += "<line x1=\"66\" y1=\"\(Int(y - 4))\" x2=\"96\" y2=\"\(Int(y - 4))\" stroke=\"#444\" stroke-width=\"2\"/><text x=\"102\" y=\"\(Int(y))\">train</text>"
        svg += "<line x1=\"160\" y1=\"\(Int(y - 4))\" x2=\"190\" y2=\"\(Int(y - 4))\" stroke=\"#444\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"196\" y=\"\(Int(y))\">validation</text>\n"
        for (index, run) in runs.enumerated() {
            y += 18
            let color = Markup.palette[index % Markup.palette.count]
            let last = run.epochs.last
            let summary = last.map { "\($0.epoch) epochs; last validation accuracy \(Markup.percent($0.validationAccuracy)), train loss \($0.trainLoss.map(Markup.number) ?? "–")" } ?? "no epochs recorded"
            svg += "<rect x=\"66\" y=\"\(Int(y - 10))\" width=\"30\" height=\"8\" fill=\"\(color)\"/><text class=\"legend-run\" x=\"102\" y=\"\(Int(y))\">\(Markup.escape(run.name)): \(Markup.escape(summary))</text>\n"
        }
        svg += "</g>\n</svg>\n"
        return svg
    }
}
