import FERCore
import FERData
import FERModel
import Foundation

/// Accuracy, per-class precision/recall/F1 and the confusion matrix (rows = true class,
/// columns = prediction, classes in FER-2013 label order).
public struct Evaluation: Codable, Sendable {
    public let count: Int
    public let accuracy: Double
    public let loss: Double
    public let classes: [String]
    public let perClass: [String: Double]
    public let precision: [String: Double]
    public let recall: [String: Double]
    public let f1: [String: Double]
    public let macroF1: Double
    public let confusion: [[Int]]

    enum CodingKeys: String, CodingKey {
        case count, accuracy, loss, classes, perClass = "per_class", precision, recall, f1, macroF1 = "macro_f1", confusion
    }

    public init(confusion: [[Int]], lossSum: Double) {
        let k = confusion.count
        let names = EmotionClass.allCases.prefix(k).map(\.name)
        let total = confusion.joined().reduce(0, +)
        let correct = (0..<k).reduce(0) { $0 + confusion[$1][$1] }
        var perClass: [String: Double] = [:], precision: [String: Double] = [:], recall: [String: Double] = [:], f1: [String: Double] = [:]
        for c in 0..<k {
            let actual = confusion[c].reduce(0, +)
            let predicted = (0..<k).reduce(0) { $0 + confusion[$1][c] }
            let r = actual > 0 ? Double(confusion[c][c]) / Double(actual) : 0
            let p = predicted > 0 ? Double(confusion[c][c]) / Double(predicted) : 0
            perClass[names[c]] = r
            recall[names[c]] = r
            precision[names[c]] = p
            f1[names[c]] = p + r > 0 ? 2 * p * r / (p + r) : 0
        }
        self.count = total
        self.accuracy = total > 0 ? Double(correct) / Double(total) : 0
        self.loss = total > 0 ? lossSum / Double(total) : 0
        self.classes = names
        self.perClass = perClass
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.macroF1 = k > 0 ? names.reduce(0) { $0 + f1[$1]! } / Double(k) : 0
        self.confusion = confusion
    }
}

/// Test-time augmentation: the views of each image whose class probabilities are averaged.
public enum TestTimeAugmentation: String, Sendable, CaseIterable {
    /// The image alone.
    case none
    /// The image and its mirror image (faces are nearly symmetric; training with --flip teaches both).
    case flip
    /// Ten crops: the corners and the centre of the image zero-padded by the model's training
    /// `--crop-padding` P (the window shifted by (±P, ±P) and (0, 0)), each also mirrored; the
    /// views stay inside what training showed the network. fer-cl's models see 48x48 windows of
    /// the padded 56x56 image, where the literature crops 40-44 pixels out of 48 (same shifts,
    /// zeros at the border instead of a smaller input).
    case tenCrop = "ten-crop"

    /// The views of each image, from the plain (normalise-only) parameters.
    public func views(of plain: AugmentParameters, trainingCropPadding: Int?) throws -> [AugmentParameters] {
        var mirrored = plain
        mirrored.flipProbability = 1
        switch self {
        case .none: return [plain]
        case .flip: return [plain, mirrored]
        case .tenCrop:
            guard let padding = trainingCropPadding, padding > 0 else { throw TestTimeAugmentationError.noTrainingCrops }
            return [(0, 0), (-padding, -padding), (padding, -padding), (-padding, padding), (padding, padding)].flatMap { dx, dy in
                [plain, mirrored].map { view in
                    var shifted = view
                    shifted.viewOffsetX = dx
                    shifted.viewOffsetY = dy
                    return shifted
                }
            }
        }
    }
}

extension TestTimeAugmentation {
    /// The softmax of each view's logits, averaged: what `evaluate` scores and `predict` reports.
    public static func averagedProbabilities(_ views: [ArraySlice<Float>]) -> [Double] {
        guard let k = views.first?.count else { return [] }
        var probabilities = [Double](repeating: 0, count: k)
        for view in views {
            let scores = view.map(Double.init)
            let top = scores.max()!
            let sum = scores.reduce(0.0) { $0 + exp($1 - top) }
            for c in 0..<k { probabilities[c] += exp(scores[c] - top) / sum / Double(views.count) }
        }
        return probabilities
    }
}

public enum TestTimeAugmentationError: Error, CustomStringConvertible {
    case noTrainingCrops

    public var description: String {
        "--tta ten-crop takes its crops at the offsets the model was trained with, and this model was trained without "
            + "--crop-padding (or by an earlier fer-cl, which did not record it); use --tta flip"
    }
}

/// Runs a network in inference mode over a dataset in batches; no augmentation unless
/// `testTimeAugmentation` asks for views to be averaged.
public struct Evaluator {
    public let network: Network
    public let normalization: Normalization
    public var batch = 256
    public var testTimeAugmentation = TestTimeAugmentation.none

    public init(network: Network, normalization: Normalization) {
        self.network = network
        self.normalization = normalization
    }

    /// `observe`, when given, sees each image's logits (dataset index, the class scores):
    /// the report's gallery ranks images by them without a second pass over the data.
    public func evaluate(_ data: DeviceDataset, observe: ((Int, ArraySlice<Float>) -> Void)? = nil) throws -> Evaluation {
        let k = network.classes
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        var lossSum = 0.0
        let plain = normalization.plainBatch(batch: 1, imageCount: max(data.count, 1))
        let views = try testTimeAugmentation.views(of: plain, trainingCropPadding: normalization.trainingCropPadding)
        let all = (0..<Int32(data.count)).map { $0 }
        var start = 0
        while start < data.count {
            let indices = all[start..<min(start + batch, data.count)]
            let logits = try views.map { parameters in
                let (input, _) = try data.batch(indices, parameters: parameters)
                return try network.backend.floats(try network.forward(input, context: PassContext(mode: .inference)))
            }
            for (row, index) in indices.enumerated() {
                // The plain view's logits (test-time augmentation only changes what is scored).
                observe?(Int(index), logits[0][(row * k)..<((row + 1) * k)])
                let label = Int(data.hostLabels[Int(index)])
                if views.count == 1 {
                    let scores = logits[0][(row * k)..<((row + 1) * k)]
                    let predicted = scores.indices.max { scores[$0] < scores[$1] }! - row * k
                    confusion[label][predicted] += 1
                    let top = Double(scores.max()!)
                    let logSum = log(scores.reduce(0.0) { $0 + exp(Double($1) - top) }) + top
                    lossSum += logSum - Double(scores[row * k + label])
                } else {
                    // The loss is the cross-entropy of the views' averaged probabilities.
                    let probabilities = TestTimeAugmentation.averagedProbabilities(logits.map { $0[(row * k)..<((row + 1) * k)] })
                    let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
                    confusion[label][predicted] += 1
                    lossSum -= log(max(probabilities[label], 1e-300))
                }
            }
            start += batch
        }
        return Evaluation(confusion: confusion, lossSum: lossSum)
    }
}
