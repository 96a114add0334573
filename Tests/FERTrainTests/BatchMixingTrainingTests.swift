import FERCore
import FERModel
import FERTrain
import Foundation
import ReferenceBackend
import Testing

/// --mixup / --cutmix reach the training step: the same run with mixing ends with other weights,
/// and a mix probability of 0 is the unmixed run exactly.
struct BatchMixingTrainingTests {
    func trainedParameters(_ configure: (inout TrainingOptions) -> Void) throws -> [[Float]] {
        var options = TrainingOptions()
        options.epochs = 1
        options.batch = 6
        options.seed = 3
        configure(&options)
        let backend = ReferenceBackend()
        let network = try ResumeTests.tinyNetwork(backend)
        try network.initialize(seed: options.seed)
        _ = try Trainer(options: options, network: network, train: ResumeTests.syntheticDataset(18, seed: 1), validation: nil,
                        run: try ResumeTests().temporaryRun(), provenance: [:]).run()
        return try network.parameters.map { try backend.floats($0.value) }
    }

    @Test func mixingChangesTheStepAndProbabilityZeroDoesNot() throws {
        let plain = try trainedParameters { _ in }
        #expect(try trainedParameters { $0.mixupAlpha = 0.4 } != plain)
        #expect(try trainedParameters { $0.cutmixAlpha = 1 } != plain)
        #expect(try trainedParameters { $0.mixupAlpha = 0.4; $0.mixProbability = 0 } == plain)
    }
}
