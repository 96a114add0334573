/// What a reader produced before it is wrapped into `Dataset`s: pixels and labels per
/// split, plus every bad record met, each tagged with the split it belonged to (`nil`
/// when the record was too broken to tell, e.g. an unknown `Usage`).
struct ReadResult {
    struct SplitData {
        var images: [UInt8] = []
        var labels: [Int32] = []
    }

    struct Issue {
        var split: Dataset.Split?
        var error: DataError
    }

    var splits: [Dataset.Split: SplitData] = [:]
    /// In input order (file line order, or label-then-file-name order for folders).
    var issues: [Issue] = []

    /// The report for one split: its own issues plus the untagged ones, since an
    /// untagged bad record may have belonged to it.
    func report(for split: Dataset.Split?, limit: Int) -> LoadReport {
        var report = LoadReport(limit: limit)
        for issue in issues where split == nil || issue.split == nil || issue.split == split {
            report.record(issue.error)
        }
        return report
    }

    /// The report for exactly one split's tagged issues (used when the untagged ones are
    /// reported once, at collection level).
    func taggedReport(for split: Dataset.Split, limit: Int) -> LoadReport {
        var report = LoadReport(limit: limit)
        for issue in issues where issue.split == split { report.record(issue.error) }
        return report
    }

    /// Fails on the first issue unless skipping is allowed.
    func check(_ options: LoadOptions) throws(DataError) {
        if !options.skipBad, let first = issues.first { throw first.error }
    }
}
