import FERData
import Foundation

/// Examples worth looking at, per true class: the mistakes the model made most confidently
/// and the correct answers it was least sure of.
public struct Gallery: Sendable {
    public struct Example: Sendable {
        public let index: Int
        public let pixels: [UInt8]          // 48 × 48
        public let trueClass: Int
        public let predictedClass: Int
        /// The probability the model gave its prediction.
        public let confidence: Double
    }
    public struct ClassExamples: Sendable {
        public let trueClass: Int
        public let confidentMistakes: [Example]
        public let unsureCorrect: [Example]
    }
    public let classes: [ClassExamples]

    /// `probabilities[i]` are image i's class probabilities; `images` the 48 × 48 images
    /// back to back. Ties are broken by image index so the choice is reproducible.
    public init(probabilities: [[Double]], labels: [Int32], images: [UInt8], perClass: Int = 6) {
        let side = Dataset.side * Dataset.side
        let k = probabilities.first?.count ?? 0
        var classes: [ClassExamples] = []
        for c in 0..<k {
            var mistakes: [Example] = [], correct: [Example] = []
            for (index, scores) in probabilities.enumerated() where Int(labels[index]) == c && scores.count == k {
                let predicted = scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }!
                let example = Example(index: index, pixels: Array(images[(index * side)..<((index + 1) * side)]),
                                      trueClass: c, predictedClass: predicted, confidence: scores[predicted])
                if predicted == c { correct.append(example) } else { mistakes.append(example) }
            }
            mistakes.sort { ($0.confidence, -$0.index) > ($1.confidence, -$1.index) }
            correct.sort { ($0.confidence, $0.index) < ($1.confidence, $1.index) }
            classes.append(ClassExamples(trueClass: c, confidentMistakes: Array(mistakes.prefix(perClass)), unsureCorrect: Array(correct.prefix(perClass))))
        }
        self.classes = classes
    }

    /// Softmax of logits in Float64 (what the gallery ranks by).
    public static func probabilities(logits: ArraySlice<Float>) -> [Double] {
        let top = Double(logits.max() ?? 0)
        let exps = logits.map { exp(Double($0) - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }
}
