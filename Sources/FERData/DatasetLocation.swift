/// Where a copy of FER-2013 lives and in which of its published layouts.
///
/// FER-2013 circulates in three shapes and users should not have to say which one they
/// have, so `open(path:)` looks at what the path is:
///
/// * a file → the Kaggle CSV (`fer2013.csv` or `icml_face_data.csv`);
/// * a folder with `train/` and/or `test/` sub-folders → the image-folder release;
/// * a folder whose sub-folders are class names → a single split;
/// * a folder holding only `fer2013.csv` or `icml_face_data.csv` → that CSV.
public enum DatasetLocation: Sendable, Equatable {
    /// A Kaggle CSV; its `Usage` column carries the splits.
    case csv(path: String)
    /// `root/train/<class>/*` and `root/test/<class>/*`; the folders present, by split.
    case splitFolders(root: String, folders: [Dataset.Split: String])
    /// `path/<class>/*`: one split, named after the folder when it is called `train` or
    /// `test`, otherwise `.train`.
    case classFolders(path: String, split: Dataset.Split)

    /// Classifies `path`; throws `.pathNotFound` or `.unrecognizedLayout`.
    public static func open(path: String) throws(DataError) -> DatasetLocation {
        switch FileAccess.kind(of: path) {
        case .missing:
            throw DataError(.pathNotFound, path: path, reason: "no such file or folder")
        case .file:
            // A file must be the CSV; anything else gets named rather than parsed as one.
            // Unknown bytes and empty files go on to the CSV reader, whose messages are more precise.
            if let kind = FileKind.of(path: path), ![.text, .unknown, .empty].contains(kind) {
                throw DataError(.unrecognizedLayout, path: path, reason:
                    "this is \(kind.description), not FER-2013 data: --data takes the image folders (train/, test/), "
                        + "a folder of class folders, or Kaggle's fer2013.csv")
            }
            return .csv(path: path)
        case .directory:
            break
        }
        var splitFolders: [Dataset.Split: String] = [:]
        var hasClassFolder = false
        var csvFiles: [String] = []
        let names = try FileAccess.entries(of: path)
        for name in names {
            let child = FileAccess.join(path, name)
            switch FileAccess.kind(of: child) {
            case .directory:
                if let split = Dataset.Split(folderName: name) {
                    splitFolders[split] = child
                } else if EmotionClass(folderName: name) != nil {
                    hasClassFolder = true
                }
            case .file:
                if ["fer2013.csv", "icml_face_data.csv"].contains(name.lowercased()) { csvFiles.append(child) }
            case .missing:
                break
            }
        }
        if !splitFolders.isEmpty { return .splitFolders(root: path, folders: splitFolders) }
        if hasClassFolder {
            let last = path.split(separator: "/").last.map(String.init) ?? path
            return .classFolders(path: path, split: Dataset.Split(folderName: last) ?? .train)
        }
        if csvFiles.count == 1 { return .csv(path: csvFiles[0]) }
        let shown = names.prefix(8).joined(separator: ", ")
        throw DataError(.unrecognizedLayout, path: path, reason:
            "not a FER-2013 layout: expected train/ and test/ folders, class folders (angry, disgust, …) "
                + "or a single fer2013.csv; found \(names.isEmpty ? "an empty folder" : shown)")
    }

    /// The path this location was opened from.
    public var path: String {
        switch self {
        case .csv(let path): path
        case .splitFolders(let root, _): root
        case .classFolders(let path, _): path
        }
    }

    /// The layout in words, for logs and summaries.
    public var layout: String {
        switch self {
        case .csv: "Kaggle CSV"
        case .splitFolders: "image folders (train/, test/)"
        case .classFolders: "class folders"
        }
    }

    /// "path (layout)".
    public var sourceDescription: String { "\(path) (\(layout))" }

    /// Loads one split.
    ///
    /// The dataset's report holds the records skipped for this split; for a CSV that
    /// includes rows whose split could not be read (e.g. unknown `Usage`), since they
    /// may have belonged to it. Throws `.missingSplit` if the layout lacks the split and
    /// `.emptyDataset` if nothing usable is left.
    public func load(split: Dataset.Split, options: LoadOptions = LoadOptions()) throws(DataError) -> Dataset {
        let result: ReadResult
        switch self {
        case .csv(let path):
            result = try FER2013CSVReader.read(path, options: options)
        case .splitFolders(let root, let folders):
            guard let folder = folders[split] else {
                let present = Dataset.Split.allCases.filter { folders[$0] != nil }.map(\.rawValue).joined(separator: ", ")
                throw DataError(.missingSplit, path: root, reason: "no '\(split)' folder here (found: \(present))")
            }
            result = try ImageFolderReader.read(classRoot: folder, split: split, options: options)
        case .classFolders(let path, let own):
            guard split == own else {
                throw DataError(.missingSplit, path: path, reason:
                    "this folder of class folders is the single split '\(own)'; asked for '\(split)' "
                        + "(point at the parent folder holding train/ and test/ instead)")
            }
            result = try ImageFolderReader.read(classRoot: path, split: split, options: options)
        }
        let report = result.report(for: split, limit: options.reportLimit)
        guard let data = result.splits[split], !data.labels.isEmpty else {
            throw emptyError(split: split, report: report)
        }
        return Dataset(images: data.images, labels: data.labels, split: split, source: sourceDescription, report: report)
    }

    /// Loads every split present (in `Dataset.Split.allCases` order), parsing a CSV once.
    public func loadAll(options: LoadOptions = LoadOptions()) throws(DataError) -> LoadedDatasets {
        var datasets: [Dataset] = []
        var report = LoadReport(limit: options.reportLimit)
        switch self {
        case .csv(let path):
            let result = try FER2013CSVReader.read(path, options: options)
            report = result.report(for: nil, limit: options.reportLimit)
            for split in Dataset.Split.allCases {
                guard let data = result.splits[split], !data.labels.isEmpty else { continue }
                datasets.append(Dataset(images: data.images, labels: data.labels, split: split, source: sourceDescription,
                                        report: result.taggedReport(for: split, limit: options.reportLimit)))
            }
            if datasets.isEmpty { throw emptyError(split: nil, report: report) }
        case .splitFolders(_, let folders):
            for split in Dataset.Split.allCases where folders[split] != nil {
                let dataset = try load(split: split, options: options)
                report.merge(dataset.report)
                datasets.append(dataset)
            }
        case .classFolders(_, let split):
            let dataset = try load(split: split, options: options)
            report = dataset.report
            datasets.append(dataset)
        }
        return LoadedDatasets(source: sourceDescription, datasets: datasets, report: report)
    }

    private func emptyError(split: Dataset.Split?, report: LoadReport) -> DataError {
        let what = split.map { "no '\($0)' images" } ?? "no images"
        var reason = what
        if report.skipped > 0 {
            reason += ": all \(report.skipped) record(s) were skipped as bad"
            if let first = report.messages.first { reason += "; first: \(first)" }
        }
        return DataError(.emptyDataset, path: path, reason: reason)
    }
}

/// Every split found at one location, with everything skipped counted once.
public struct LoadedDatasets: Sendable, Equatable {
    /// `DatasetLocation.sourceDescription` of where the data came from.
    public let source: String
    /// The splits present, in `Dataset.Split.allCases` order.
    public let datasets: [Dataset]
    /// All skipped records of the location, in input order, each counted once.
    public let report: LoadReport

    public init(source: String, datasets: [Dataset], report: LoadReport) {
        self.source = source
        self.datasets = datasets
        self.report = report
    }

    public subscript(split: Dataset.Split) -> Dataset? {
        datasets.first { $0.split == split }
    }
}

/// Loads one split of FER-2013 from a CSV file or image folders; see `DatasetLocation`.
public func loadDataset(at path: String, split: Dataset.Split, options: LoadOptions = LoadOptions()) throws(DataError) -> Dataset {
    try DatasetLocation.open(path: path).load(split: split, options: options)
}

/// Loads every split of FER-2013 found at `path`; see `DatasetLocation`.
public func loadDatasets(at path: String, options: LoadOptions = LoadOptions()) throws(DataError) -> LoadedDatasets {
    try DatasetLocation.open(path: path).loadAll(options: options)
}
