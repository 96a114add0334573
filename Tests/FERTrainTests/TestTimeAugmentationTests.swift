import FERCore
import FERData
import FERModel
import FERTrain
import ReferenceBackend
import Testing

/// Flip test-time augmentation averages an image's and its mirror image's probabilities, so
/// it scores a dataset and its mirrored copy identically, where plain evaluation does not.
struct TestTimeAugmentationTests {
    func mirrored(_ data: Dataset) -> Dataset {
        var images: [UInt8] = []
        for index in 0..<data.count {
            let image = Array(data.image(at: index))
            for row in 0..<48 { images += image[(row * 48)..<((row + 1) * 48)].reversed() }
        }
        return Dataset(images: images, labels: data.labels, split: data.split, source: "mirrored")
    }

    @Test func flipScoresAnImageAndItsMirrorAlike() throws {
        let backend = ReferenceBackend()
        let network = try ResumeTests.tinyNetwork(backend)
        try network.initialize(seed: 9)
        let data = ResumeTests.syntheticDataset(10, seed: 4)
        var generator = PhiloxGenerator(seed: 8)
        // Left-right gradients make every image differ from its mirror image.
        let slanted = Dataset(images: (0..<data.count * 2304).map { i in UInt8((i % 48) * 5 + Int(generator.next() % 16)) },
                              labels: data.labels, split: .test, source: "slanted")
        var evaluator = Evaluator(network: network, normalization: TrainingOptions().normalization)
        evaluator.batch = 4
        let plain = try evaluator.evaluate(try DeviceDataset(slanted, on: backend))
        let plainMirror = try evaluator.evaluate(try DeviceDataset(mirrored(slanted), on: backend))
        #expect(abs(plain.loss - plainMirror.loss) > 1e-6, "the mirror images should score differently without TTA")
        evaluator.testTimeAugmentation = .flip
        let flip = try evaluator.evaluate(try DeviceDataset(slanted, on: backend))
        let flipMirror = try evaluator.evaluate(try DeviceDataset(mirrored(slanted), on: backend))
        #expect(abs(flip.loss - flipMirror.loss) < 1e-9, "\(flip.loss) vs \(flipMirror.loss)")
        #expect(flip.confusion == flipMirror.confusion)
        #expect(abs(flip.loss - plain.loss) > 1e-6)
    }
}
