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

    /// Ten-crop's view set is closed under mirroring (corners at -P and +P, each mirrored), so it
    /// too scores a dataset and its mirror alike; its shifted views change the score of flip.
    @Test func tenCropScoresAnImageAndItsMirrorAlikeAndDiffersFromFlip() throws {
        let backend = ReferenceBackend()
        let network = try ResumeTests.tinyNetwork(backend)
        try network.initialize(seed: 9)
        var generator = PhiloxGenerator(seed: 8)
        let slanted = Dataset(images: (0..<10 * 2304).map { i in UInt8((i % 48) * 5 + Int(generator.next() % 16)) },
                              labels: (0..<10).map { Int32($0 % 7) }, split: .test, source: "slanted")
        var options = TrainingOptions()
        options.cropPadding = 3
        var evaluator = Evaluator(network: network, normalization: options.normalization)
        evaluator.batch = 4
        evaluator.testTimeAugmentation = .flip
        let flip = try evaluator.evaluate(try DeviceDataset(slanted, on: backend))
        evaluator.testTimeAugmentation = .tenCrop
        let tenCrop = try evaluator.evaluate(try DeviceDataset(slanted, on: backend))
        let tenCropMirror = try evaluator.evaluate(try DeviceDataset(mirrored(slanted), on: backend))
        #expect(abs(tenCrop.loss - tenCropMirror.loss) < 1e-9, "\(tenCrop.loss) vs \(tenCropMirror.loss)")
        #expect(abs(tenCrop.loss - flip.loss) > 1e-6)
    }

    @Test func tenCropViewsAreTheCornersAndCentreOfTheTrainingPadding() throws {
        let plain = TrainingOptions().normalization.plainBatch(batch: 1, imageCount: 1)
        let views = try TestTimeAugmentation.tenCrop.views(of: plain, trainingCropPadding: 4)
        #expect(views.count == 10)
        let offsets = Set(views.map { "\($0.viewOffsetX),\($0.viewOffsetY),\($0.flipProbability)" })
        #expect(offsets == Set(["0,0", "-4,-4", "4,-4", "-4,4", "4,4"].flatMap { ["\($0),0.0", "\($0),1.0"] }))
        #expect(throws: TestTimeAugmentationError.self) {
            try TestTimeAugmentation.tenCrop.views(of: plain, trainingCropPadding: nil)
        }
    }
}
