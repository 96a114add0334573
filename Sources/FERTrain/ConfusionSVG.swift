import Foundation

extension Evaluation {
    /// The confusion matrix as an SVG heatmap: rows are true classes, columns predictions;
    /// each cell shows the count and is shaded by the row-normalised rate (per-class recall
    /// on the diagonal), so rare classes are as readable as common ones.
    public var confusionSVG: String {
        let k = classes.count, cell = 64, left = 96, top = 80
        let width = left + k * cell + 24, height = top + k * cell + 56
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="22" font-size="15">Confusion matrix: accuracy \(String(format: "%.2f", accuracy * 100))% of \(count), macro F1 \(String(format: "%.3f", macroF1))</text>
            <text x="\(left + k * cell / 2)" y="\(top - 36)" text-anchor="middle">predicted</text>
            <text x="18" y="\(top + k * cell / 2)" text-anchor="middle" transform="rotate(-90 18 \(top + k * cell / 2))">true class</text>

            """
        for (c, name) in classes.enumerated() {
            svg += "<text x=\"\(left + c * cell + cell / 2)\" y=\"\(top - 8)\" text-anchor=\"middle\">\(name)</text>\n"
            svg += "<text x=\"\(left - 8)\" y=\"\(top + c * cell + cell / 2 + 4)\" text-anchor=\"end\">\(name)</text>\n"
        }
        for row in 0..<k {
            let total = max(confusion[row].reduce(0, +), 1)
            for column in 0..<k {
                let value = confusion[row][column]
                let rate = Double(value) / Double(total)
                let shade = Int(255 - rate * 200)
                let fill = row == column ? "rgb(\(shade),\(shade),255)" : "rgb(255,\(shade),\(shade))"
                let x = left + column * cell, y = top + row * cell
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\" stroke=\"#ccc\"/>\n"
                svg += "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2)\" text-anchor=\"middle\">\(value)</text>\n"
                svg += "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 14)\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">\(String(format: "%.1f%%", rate * 100))</text>\n"
            }
        }
        svg += "<text x=\"\(left)\" y=\"\(height - 20)\" font-size=\"11\" fill=\"#555\">cells: count and share of the true class (row); diagonal = per-class accuracy</text>\n"
        return svg + "</svg>\n"
    }

    /// The write-up's table: per-class accuracy, precision, recall, F1, and the confusion matrix.
    public var text: String {
        var lines = [String(format: "accuracy %.2f%% (%d images), macro F1 %.3f, loss %.4f", accuracy * 100, count, macroF1, loss), "",
                     "class      accuracy  precision  recall  F1"]
        for name in classes {
            lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(format: " %7.2f%%  %8.3f  %6.3f  %5.3f", perClass[name]! * 100, precision[name]!, recall[name]!, f1[name]!))
        }
        lines += ["", "confusion (rows true, columns predicted): " + classes.joined(separator: " ")]
        for (row, name) in classes.enumerated() {
            lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + confusion[row].map { String(format: "%6d", $0) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
