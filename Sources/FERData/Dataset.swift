/// One split of FER-2013 in memory: 48 × 48 grayscale images and their labels.
///
/// Pixels stay `UInt8` (one byte per pixel, 2,304 bytes per image, 83 MB for the whole
/// of FER-2013) rather than `Float`: the conversion to network input (scaling,
/// normalisation, augmentation) belongs to the training pipeline, which does it per
/// batch, and keeping bytes here makes the dataset cheap to hold, copy and compare.
public struct Dataset: Sendable, Equatable {
    /// Which part of FER-2013 a dataset is.
    ///
    /// The Kaggle CSV has three parts (`Usage` = Training, PublicTest, PrivateTest); the
    /// image-folder release has two (`train/`, `test/`), its `test/` being PublicTest.
    public enum Split: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
        case train
        case test
        case privateTest

        /// The Kaggle name for `.test`: the public leaderboard split.
        public static var publicTest: Split { .test }

        /// The value of the CSV `Usage` column for this split.
        public var usage: String {
            switch self {
            case .train: "Training"
            case .test: "PublicTest"
            case .privateTest: "PrivateTest"
            }
        }

        /// Maps a CSV `Usage` value (exact Kaggle spelling, any case) to its split.
        public init?(usage: String) {
            switch usage.lowercased() {
            case "training": self = .train
            case "publictest": self = .test
            case "privatetest": self = .privateTest
            default: return nil
            }
        }

        /// Maps a split folder name (`train`, `test`, any case) to its split.
        public init?(folderName: String) {
            switch folderName.lowercased() {
            case "train": self = .train
            case "test": self = .test
            default: return nil
            }
        }

        public var description: String { rawValue }
    }

    /// Side of every stored image, in pixels.
    public static let side = 48
    /// Bytes per stored image (48 × 48).
    public static let pixelsPerImage = side * side

    /// `count × 48 × 48` gray levels, image-major then row-major.
    public let images: [UInt8]
    /// One label per image, the `EmotionClass` raw value (0...6).
    public let labels: [Int32]
    /// Which split this is.
    public let split: Split
    /// Where the data came from (a path and the layout), for logs and summaries.
    public let source: String
    /// Records that were skipped while loading (only non-empty with `skipBad`).
    public let report: LoadReport
    /// Images per class, indexed by `EmotionClass.rawValue`.
    public let classCounts: [Int]

    /// Number of images.
    public var count: Int { labels.count }

    /// Wraps already-decoded data.
    ///
    /// - Precondition: `images.count == labels.count * 2304` and every label is in 0...6.
    ///   These are programming errors, not input errors: readers validate input and throw
    ///   `DataError` before they get here.
    public init(images: [UInt8], labels: [Int32], split: Split, source: String, report: LoadReport = LoadReport()) {
        precondition(images.count == labels.count * Dataset.pixelsPerImage,
                     "Dataset: \(images.count) bytes for \(labels.count) images of \(Dataset.pixelsPerImage) bytes")
        var counts = [Int](repeating: 0, count: EmotionClass.count)
        for label in labels {
            precondition(label >= 0 && Int(label) < EmotionClass.count, "Dataset: label \(label) outside 0...6")
            counts[Int(label)] += 1
        }
        self.images = images
        self.labels = labels
        self.split = split
        self.source = source
        self.report = report
        self.classCounts = counts
    }

    /// Images per class, keyed by class.
    public var countsByClass: [EmotionClass: Int] {
        Dictionary(uniqueKeysWithValues: EmotionClass.allCases.map { ($0, classCounts[$0.rawValue]) })
    }

    /// The pixels of image `index`, row-major.
    public func image(at index: Int) -> ArraySlice<UInt8> {
        let start = index * Dataset.pixelsPerImage
        return images[start ..< start + Dataset.pixelsPerImage]
    }

    /// The class of image `index`.
    public func emotion(at index: Int) -> EmotionClass {
        EmotionClass(rawValue: Int(labels[index]))!
    }
}
