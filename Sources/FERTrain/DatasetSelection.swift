import FERCore
import FERData

extension Dataset {
    /// The images at `indices`, in that order.
    public func selecting(_ indices: [Int], split: Split? = nil) -> Dataset {
        var images: [UInt8] = []
        images.reserveCapacity(indices.count * Self.pixelsPerImage)
        for index in indices { images.append(contentsOf: image(at: index)) }
        return Dataset(images: images, labels: indices.map { labels[$0] }, split: split ?? self.split, source: source, report: report)
    }

    /// A reproducible random subset of `count` images (all of them if count >= self.count).
    public func randomSubset(_ count: Int, seed: UInt64) -> Dataset {
        guard count < self.count else { return self }
        var generator = PhiloxGenerator(seed: seed, stream: 0x5B5E7)
        var indices = Array(0..<self.count)
        indices.shuffle(using: &generator)
        return selecting(Array(indices.prefix(count)).sorted())
    }

    /// Splits off a reproducible `fraction` of every class for validation, so the held-out
    /// images have the training split's class mix (disgust, 1.5% of FER-2013, is not left to
    /// chance): (training rest, held out). Each class's images are shuffled by Philox(seed) on a
    /// stream of their own and the first round(count * fraction) held out.
    public func holdingOutStratified(_ fraction: Float, seed: UInt64) -> (train: Dataset, validation: Dataset) {
        var byClass: [Int32: [Int]] = [:]
        for (index, label) in labels.enumerated() { byClass[label, default: []].append(index) }
        var held: [Int] = []
        for label in byClass.keys.sorted() {
            var generator = PhiloxGenerator(seed: seed, stream: 0x57A7 &+ UInt64(label))
            var indices = byClass[label]!
            indices.shuffle(using: &generator)
            held += indices.prefix(Int((Float(indices.count) * fraction).rounded()))
        }
        let heldSet = Set(held)
        return (selecting((0..<count).filter { !heldSet.contains($0) }), selecting(held.sorted(), split: .test))
    }

    /// Splits off a reproducible random `fraction` for validation: (training rest, held out).
    /// Runs before fer-cl 0.2 split this way; new runs split by class (`holdingOutStratified`).
    public func holdingOut(_ fraction: Float, seed: UInt64) -> (train: Dataset, validation: Dataset) {
        var generator = PhiloxGenerator(seed: seed, stream: 0x4A11D)
        var indices = Array(0..<count)
        indices.shuffle(using: &generator)
        let held = Int((Float(count) * fraction).rounded())
        return (selecting(Array(indices.dropFirst(held)).sorted()), selecting(Array(indices.prefix(held)).sorted(), split: .test))
    }
}
