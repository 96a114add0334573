/// The seven FER-2013 expression classes.
///
/// Raw values are the integer labels of the Kaggle `fer2013.csv` release, which every
/// published FER-2013 result uses; the image-folder release names its folders after the
/// same classes but lists them alphabetically, so folder order must never be used as the
/// label order.
public enum EmotionClass: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case angry = 0
    case disgust = 1
    case fear = 2
    case happy = 3
    case sad = 4
    case surprise = 5
    case neutral = 6

    /// Number of classes, i.e. the width of the classifier's output.
    public static let count = 7

    /// Lower-case class name, as used for the image-folder release's folder names.
    public var name: String {
        switch self {
        case .angry: "angry"
        case .disgust: "disgust"
        case .fear: "fear"
        case .happy: "happy"
        case .sad: "sad"
        case .surprise: "surprise"
        case .neutral: "neutral"
        }
    }

    public var description: String { name }

    /// Maps a class folder name to its class, ignoring case ("Angry", "ANGRY").
    ///
    /// Only the exact class names are accepted: guessing at synonyms ("neutrality",
    /// "surprised") would let a mislabeled folder slip into training unnoticed.
    public init?(folderName: String) {
        let lowered = folderName.lowercased()
        guard let match = EmotionClass.allCases.first(where: { $0.name == lowered }) else { return nil }
        self = match
    }

    /// Maps an integer label to its class; `nil` outside 0...6.
    public init?(label: Int) {
        self.init(rawValue: label)
    }
}
