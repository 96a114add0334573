import FERTrain
import Foundation

/// Everything the report shows about one run: its log and, when a model was scored, the
/// evaluation (and the gallery when images were at hand).
public struct ReportedRun: Sendable {
    public var log: RunLog
    public var evaluation: ScoredModel?
    public var gallery: Gallery?

    public init(log: RunLog, evaluation: ScoredModel? = nil, gallery: Gallery? = nil) {
        self.log = log
        self.evaluation = evaluation
        self.gallery = gallery
    }
}

/// A model file's evaluation on named data: what `train` leaves in the run folder as
/// evaluation.json, so a later report shows the numbers without the data.
public struct ScoredModel: Codable, Sendable {
    public let model: String
    public let data: String
    public let evaluation: Evaluation

    public init(model: String, data: String, evaluation: Evaluation) {
        self.model = model
        self.data = data
        self.evaluation = evaluation
    }

    public static let fileName = "evaluation.json"

    public static func read(from run: URL) -> ScoredModel? {
        guard let data = try? Data(contentsOf: run.appendingPathComponent(fileName)) else { return nil }
        return try? JSONDecoder().decode(ScoredModel.self, from: data)
    }

    public func write(into run: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: run.appendingPathComponent(Self.fileName), options: .atomic)
    }
}
