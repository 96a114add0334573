/// Which images a run trains and validates on: part of what a run *is*, so a resumed run
/// reads them from its checkpoint instead of from the resuming command line (where a missing
/// `--subset` once silently continued a quick run on all of FER-2013).
public struct DataSelection: Codable, Equatable, Sendable {
    /// The `--data` location, absolute, as it was resolved (from --data, $FER2013_DIR or ./data/fer2013).
    public var path: String
    /// How the location was read ("image folders (train/, test/)", "Kaggle CSV", "class folders").
    public var layout: String
    /// `--val`, absolute; nil when validation comes from the data's test split or `--val-split`.
    public var validationPath: String?
    /// `--subset`: a reproducible random subset of the training images.
    public var trainSubset: Int?
    /// `--val-subset`: a reproducible random subset of the validation images.
    public var validationSubset: Int?
    /// `--skip-bad`: bad records were skipped rather than stopping the load.
    public var skipBad: Bool

    public init(path: String, layout: String, validationPath: String? = nil, trainSubset: Int? = nil,
                validationSubset: Int? = nil, skipBad: Bool = false) {
        self.path = path
        self.layout = layout
        self.validationPath = validationPath
        self.trainSubset = trainSubset
        self.validationSubset = validationSubset
        self.skipBad = skipBad
    }
}
