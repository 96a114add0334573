import Foundation
import FERCore
import FERData

/// The order in which an epoch visits the training images: a fresh permutation per epoch,
/// or, with class balancing, the same number of draws with every class equally likely
/// (oversampling rare classes). Both are pure functions of (seed, epoch).
public struct Sampler: Sendable {
    public let labels: [Int32]
    public let seed: UInt64
    public let balanced: Bool
    private let byClass: [[Int32]]

    public init(labels: [Int32], seed: UInt64, balanced: Bool, classes: Int = EmotionClass.count) {
        self.labels = labels
        self.seed = seed
        self.balanced = balanced
        var byClass = [[Int32]](repeating: [], count: classes)
        for (index, label) in labels.enumerated() where (0..<classes).contains(Int(label)) { byClass[Int(label)].append(Int32(index)) }
        self.byClass = byClass
    }

    public func order(epoch: Int) -> [Int32] {
        var generator = PhiloxGenerator(seed: seed, stream: 0x5A3D_0000 &+ UInt64(epoch))
        guard balanced else {
            var order = (0..<Int32(labels.count)).map { $0 }
            order.shuffle(using: &generator)
            return order
        }
        let present = byClass.filter { !$0.isEmpty }
        return (0..<labels.count).map { _ in
            let members = present[Int(generator.next() % UInt64(present.count))]
            return members[Int(generator.next() % UInt64(members.count))]
        }
    }

    /// Inverse-frequency weights (n / (classes * n_c))^power (power 1: scikit-learn's "balanced");
    /// 0 for absent classes.
    public static func classWeights(labels: [Int32], classes: Int = EmotionClass.count, power: Float = 1) -> [Float] {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels where (0..<classes).contains(Int(label)) { counts[Int(label)] += 1 }
        return counts.map { $0 > 0 ? Float(pow(Double(labels.count) / Double(classes * $0), Double(power))) : 0 }
    }
}
