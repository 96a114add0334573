import Foundation

/// Escaping for text and attribute values in HTML and SVG, and number formatting shared by both.
enum Markup {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A coordinate with two decimals: enough for a screen, short in the file.
    static func coordinate(_ value: Double) -> String { String(format: "%.2f", value) }

    /// A tick or table value with about three significant digits, without float noise.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e-3 && magnitude < 1e5 {
            let decimals = max(0, 3 - Int(floor(log10(magnitude))) - 1)
            var text = String(format: "%.\(decimals)f", value)
            if text.contains(".") { while text.hasSuffix("0") { text.removeLast() }; if text.hasSuffix(".") { text.removeLast() } }
            return text
        }
        return String(format: "%.2g", value)
    }

    static func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "–" }
        return String(format: "%.2f%%", fraction * 100)
    }

    /// Colours for runs (curves overlaid), readable on white and told apart by most colour-blind readers.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]
}
