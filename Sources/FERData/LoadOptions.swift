/// How readers treat bad input.
public struct LoadOptions: Sendable, Equatable {
    /// `false` (default): the first bad record throws a `DataError`, because a dataset
    /// that silently lost rows produces numbers that cannot be compared with anyone
    /// else's. `true`: bad records (and unknown class folders) are left out and listed
    /// in the dataset's `LoadReport`, for working with damaged copies on purpose.
    public var skipBad: Bool
    /// How many skip messages a report keeps verbatim; the count is always exact.
    public var reportLimit: Int
    /// Parse and decode on every active core (default). `false` runs on the calling
    /// thread only, e.g. to measure single-core speed; results are identical either way.
    public var parallel: Bool

    public init(skipBad: Bool = false, reportLimit: Int = 10, parallel: Bool = true) {
        self.skipBad = skipBad
        self.reportLimit = reportLimit
        self.parallel = parallel
    }
}

/// What a reader left out under `LoadOptions.skipBad`.
public struct LoadReport: Sendable, Equatable {
    /// Exact number of records (CSV rows, image files, class folders) skipped.
    public private(set) var skipped: Int
    /// The first few skip reasons, in file order, each a `DataError` description.
    public private(set) var messages: [String]
    /// How many messages are kept; later skips are only counted.
    public let limit: Int

    public init(limit: Int = 10) {
        self.skipped = 0
        self.messages = []
        self.limit = limit
    }

    /// Records one skipped item.
    public mutating func record(_ error: DataError) {
        skipped += 1
        if messages.count < limit { messages.append(error.description) }
    }

    /// Appends another report's skips after this one's.
    public mutating func merge(_ other: LoadReport) {
        skipped += other.skipped
        for message in other.messages where messages.count < limit { messages.append(message) }
    }

    public var isEmpty: Bool { skipped == 0 }
}
