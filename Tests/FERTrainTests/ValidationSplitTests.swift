import FERCore
import FERData
import FERTrain
import Foundation
import Testing

/// `--val-split` holds out the same fraction of every class, reproducibly, and runs written
/// before it did keep their plain random split when they resume.
struct ValidationSplitTests {
    /// 700 images with FER-2013-like imbalance: class c has (c + 1) * 20 images except a rare class 1.
    func imbalanced() -> Dataset {
        var labels: [Int32] = []
        for c in 0..<7 { labels += [Int32](repeating: Int32(c), count: c == 1 ? 12 : (c + 1) * 20) }
        var generator = PhiloxGenerator(seed: 2)
        let images = (0..<labels.count * 2304).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        return Dataset(images: images, labels: labels, split: .train, source: "imbalanced")
    }

    @Test func everyClassKeepsItsShare() {
        let data = imbalanced()
        let (train, validation) = data.holdingOutStratified(0.25, seed: 7)
        #expect(train.count + validation.count == data.count)
        for c in Int32(0)..<7 {
            let total = data.labels.filter { $0 == c }.count
            let held = validation.labels.filter { $0 == c }.count
            #expect(held == Int((Float(total) * 0.25).rounded()), "class \(c): \(held) of \(total)")
        }
        let again = data.holdingOutStratified(0.25, seed: 7).validation
        #expect(again.images == validation.images && again.labels == validation.labels, "the same seed gives the same split")
        #expect(data.holdingOutStratified(0.25, seed: 8).validation.images != validation.images)
    }

    @Test func optionsFromBeforeStratificationKeepThePlainSplit() throws {
        var old = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(TrainingOptions())) as! [String: Any]
        old["stratifiedValidationSplit"] = nil
        let decoded = try JSONDecoder().decode(TrainingOptions.self, from: try JSONSerialization.data(withJSONObject: old))
        #expect(decoded.stratifiedValidationSplit == false)
        #expect(TrainingOptions().stratifiedValidationSplit)
    }
}
