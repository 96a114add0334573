/// Counts that say whether a FER-2013 copy is complete and how skewed it is: what
/// `fer-cl inspect` prints before anyone trains on the data.
///
/// The imbalance ratio is largest class / smallest non-empty class. FER-2013 is badly
/// skewed (happy ≈ 7,215 vs disgust ≈ 436 in train, ≈ 16.5×), which is why accuracy alone
/// misleads and why class weighting or per-class metrics are worth looking at; an empty
/// class is left out of the ratio (it would be infinite) and shows as 0 in the table.
public struct DatasetSummary: Sendable, Equatable {
    public struct SplitCounts: Sendable, Equatable {
        public let split: Dataset.Split
        public let total: Int
        /// Images per class, indexed by `EmotionClass.rawValue`.
        public let perClass: [Int]
        public let imbalanceRatio: Double?
    }

    public let source: String
    /// One entry per split loaded, in `Dataset.Split.allCases` order.
    public let splits: [SplitCounts]
    /// Images per class over all splits.
    public let perClass: [Int]
    public let total: Int
    public let imbalanceRatio: Double?
    /// Records skipped while loading (only with `LoadOptions.skipBad`).
    public let skipped: Int
    /// The first skip messages, as kept by the `LoadReport`.
    public let skippedMessages: [String]

    public init(_ loaded: LoadedDatasets) {
        self.init(source: loaded.source, datasets: loaded.datasets, report: loaded.report)
    }

    public init(source: String, datasets: [Dataset], report: LoadReport) {
        self.source = source
        splits = datasets.map {
            SplitCounts(split: $0.split, total: $0.count, perClass: $0.classCounts,
                        imbalanceRatio: DatasetSummary.imbalance($0.classCounts))
        }
        var all = [Int](repeating: 0, count: EmotionClass.count)
        for dataset in datasets {
            for (label, count) in dataset.classCounts.enumerated() { all[label] += count }
        }
        perClass = all
        total = all.reduce(0, +)
        imbalanceRatio = DatasetSummary.imbalance(all)
        skipped = report.skipped
        skippedMessages = report.messages
    }

    static func imbalance(_ counts: [Int]) -> Double? {
        let nonzero = counts.filter { $0 > 0 }
        guard let smallest = nonzero.min(), let largest = nonzero.max() else { return nil }
        return Double(largest) / Double(smallest)
    }

    /// A fixed-width table: one row per class, one column per split plus a total.
    public var text: String {
        let headers = ["class"] + splits.map(\.split.rawValue) + ["total"]
        var rows: [[String]] = []
        for emotion in EmotionClass.allCases {
            rows.append([emotion.name] + splits.map { String($0.perClass[emotion.rawValue]) } + [String(perClass[emotion.rawValue])])
        }
        rows.append(["total"] + splits.map { String($0.total) } + [String(total)])
        rows.append(["imbalance"] + splits.map { ratioText($0.imbalanceRatio) } + [ratioText(imbalanceRatio)])

        let widths = headers.indices.map { column in
            ([headers] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = "source: \(source)\n"
        out += line(headers) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for (index, row) in rows.enumerated() {
            if index == rows.count - 2 {
                out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
            out += line(row) + "\n"
        }
        out += "imbalance = largest class / smallest non-empty class\n"
        out += "skipped: \(skipped)\n"
        for message in skippedMessages { out += "  \(message)\n" }
        if skipped > skippedMessages.count { out += "  … and \(skipped - skippedMessages.count) more\n" }
        return out
    }

    /// The same numbers as JSON, keys always in the same order so outputs diff cleanly.
    public var json: String {
        func classObject(_ counts: [Int]) -> String {
            "{" + EmotionClass.allCases.map { "\(jsonString($0.name)): \(counts[$0.rawValue])" }.joined(separator: ", ") + "}"
        }
        var out = "{\n"
        out += "  \"source\": \(jsonString(source)),\n"
        out += "  \"total\": \(total),\n"
        out += "  \"per_class\": \(classObject(perClass)),\n"
        out += "  \"imbalance_ratio\": \(jsonNumber(imbalanceRatio)),\n"
        out += "  \"splits\": ["
        out += splits.map { split in
            "\n    {\"split\": \(jsonString(split.split.rawValue)), \"usage\": \(jsonString(split.split.usage)), "
                + "\"total\": \(split.total), \"per_class\": \(classObject(split.perClass)), "
                + "\"imbalance_ratio\": \(jsonNumber(split.imbalanceRatio))}"
        }.joined(separator: ",")
        out += splits.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"skipped\": \(skipped),\n"
        out += "  \"skipped_messages\": [" + skippedMessages.map(jsonString).joined(separator: ", ") + "]\n"
        out += "}\n"
        return out
    }
}

/// Two decimals, without Foundation's locale-dependent formatting.
private func ratioText(_ ratio: Double?) -> String {
    guard let ratio else { return "-" }
    let hundredths = Int((ratio * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

private func jsonNumber(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "null" }
    return String((value * 10_000).rounded() / 10_000)
}

private func jsonString(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
