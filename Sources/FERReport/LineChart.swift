import Foundation

/// One line of a chart: points (x, y) in data units, drawn solid or dashed.
public struct ChartSeries: Sendable {
    public var label: String
    public var run: String
    public var key: String
    public var color: String
    public var dashed: Bool
    public var points: [(x: Double, y: Double)]
}

/// A single panel of lines with axes, ticks and a title, as an SVG group placed at (x, y).
/// Non-finite points are left out (a diverged epoch's loss), so a line may have gaps.
struct LineChart {
    var title: String
    var panel: String
    var xLabel = "epoch"
    var series: [ChartSeries]
    var width = 300.0, height = 230.0
    var logScale = false

    private let margin = (left: 56.0, right: 12.0, top: 28.0, bottom: 40.0)

    func svg(at x: Double, _ y: Double) -> String {
        let plotW = width - margin.left - margin.right, plotH = height - margin.top - margin.bottom
        let finite = series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite && (!logScale || $0.y > 0) }
        var out = "<g class=\"panel\" data-panel=\"\(panel)\" transform=\"translate(\(Markup.coordinate(x)),\(Markup.coordinate(y)))\">\n"
        out += "<text x=\"\(Markup.coordinate(margin.left))\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(Markup.escape(title))</text>\n"
        out += "<rect x=\"\(margin.left)\" y=\"\(margin.top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#999\"/>\n"
        guard !finite.isEmpty else {
            out += "<text class=\"no-data\" x=\"\(Markup.coordinate(margin.left + plotW / 2))\" y=\"\(Markup.coordinate(margin.top + plotH / 2))\" text-anchor=\"middle\" fill=\"#777\">no data</text>\n"
            return out + "</g>\n"
        }
        let transform: (Double) -> Double = logScale ? { log10($0) } : { $0 }
        var (xMin, xMax) = (finite.map(\.x).min()!, finite.map(\.x).max()!)
        var (yMin, yMax) = (finite.map { transform($0.y) }.min()!, finite.map { transform($0.y) }.max()!)
        if xMax == xMin { xMin -= 1; xMax += 1 }
        if yMax == yMin { let pad = max(abs(yMin) * 0.1, 1e-3); yMin -= pad; yMax += pad }
        if !logScale { let pad = (yMax - yMin) * 0.05; yMin -= pad; yMax += pad }
        let px = { (v: Double) in margin.left + (v - xMin) / (xMax - xMin) * plotW }
        let py = { (v: Double) in margin.top + plotH - (transform(v) - yMin) / (yMax - yMin) * plotH }

        for tick in Self.ticks(xMin, xMax, count: 6, integers: true) {
            out += "<line x1=\"\(Markup.coordinate(px(tick)))\" y1=\"\(margin.top + plotH)\" x2=\"\(Markup.coordinate(px(tick)))\" y2=\"\(margin.top + plotH + 4)\" stroke=\"#999\"/>"
            out += "<text x=\"\(Markup.coordinate(px(tick)))\" y=\"\(Markup.coordinate(margin.top + plotH + 16))\" text-anchor=\"middle\" font-size=\"10\">\(Markup.number(tick))</text>\n"
        }
        let yTicks = logScale ? Self.ticks(yMin, yMax, count: 5, integers: false).map { pow(10, $0) } : Self.ticks(yMin, yMax, count: 5, integers: false)
        for tick in yTicks {
            let ty = Markup.coordinate(py(tick))
            out += "<line x1=\"\(margin.left)\" y1=\"\(ty)\" x2=\"\(margin.left + plotW)\" y2=\"\(ty)\" stroke=\"#eee\"/>"
            out += "<text x=\"\(margin.left - 4)\" y=\"\(ty)\" dy=\"3\" text-anchor=\"end\" font-size=\"10\">\(Markup.number(tick))</text>\n"
        }
        out += "<text x=\"\(Markup.coordinate(margin.left + plotW / 2))\" y=\"\(Markup.coordinate(height - 6))\" text-anchor=\"middle\" font-size=\"11\">\(xLabel)</text>\n"
        for line in series {
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite && (!logScale || $0.y > 0) }
            guard !points.isEmpty else { continue }
            let attributes = "data-run=\"\(Markup.escape(line.run))\" data-series=\"\(line.key)\" stroke=\"\(line.color)\""
            let coordinates = points.map { "\(Markup.coordinate(px($0.x))),\(Markup.coordinate(py($0.y)))" }.joined(separator: " ")
            out += "<polyline class=\"curve\" \(attributes) fill=\"none\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(coordinates)\"><title>\(Markup.escape(line.label))</title></polyline>\n"
            for point in points {
                out += "<circle class=\"point\" \(attributes) fill=\"\(line.dashed ? "white" : line.color)\" cx=\"\(Markup.coordinate(px(point.x)))\" cy=\"\(Markup.coordinate(py(point.y)))\" r=\"2.5\"><title>\(Markup.escape(line.label)) \(xLabel) \(Markup.number(point.x)): \(Markup.number(point.y))</title></circle>\n"
            }
        }
        return out + "</g>\n"
    }

    /// About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [low, high].
    static func ticks(_ low: Double, _ high: Double, count: Int, integers: Bool) -> [Double] {
        let span = high - low
        guard span > 0, span.isFinite else { return [low] }
        let raw = span / Double(max(count - 1, 1))
        let power = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        if integers { step = max(1, step.rounded()) }
        var ticks: [Double] = []
        var value = (low / step).rounded(.up) * step
        while value <= high + step * 1e-9 && ticks.count < 50 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return ticks
    }
}
