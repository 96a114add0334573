import FERCore
import FERData
import FERModel
import FERTrain
import Foundation
import ReferenceBackend
import Testing

/// Interrupting a run and resuming it from its checkpoint gives bit-identical weights and
/// metrics to an uninterrupted run (reference backend, a small network on 48x48 inputs).
@Suite struct ResumeTests {
    static func tinyNetwork(_ backend: Backend) throws -> Network {
        try Network(architecture: "tiny", backend: backend, inputShape: [48, 48, 1], layers: [
            try Conv2dLayer(name: "conv1", backend: backend, inChannels: 1, outChannels: 4, kernelSize: 3, stride: 2, padding: 1),
            try BatchNormLayer(name: "bn1", backend: backend, channels: 4),
            ReLULayer(name: "relu1", backend: backend),
            MaxPoolLayer(name: "pool1", backend: backend),
            MaxPoolLayer(name: "pool2", backend: backend),
            FlattenLayer(),
            try DenseLayer(name: "fc1", backend: backend, inFeatures: 6 * 6 * 4, outFeatures: 16, flattenedFrom: [6, 6, 4]),
            ReLULayer(name: "relu2", backend: backend),
            DropoutLayer(name: "dropout1", backend: backend, rate: 0.3, index: 1),
            try DenseLayer(name: "fc2", backend: backend, inFeatures: 16, outFeatures: 7),
        ])
    }

    static func syntheticDataset(_ count: Int, seed: UInt64) -> Dataset {
        var generator = PhiloxGenerator(seed: seed)
        let labels = (0..<count).map { _ in Int32(generator.next() % 7) }
        // Class-dependent brightness so there is something to learn.
        let images = labels.flatMap { label in
            (0..<2304).map { _ in UInt8(min(255, Int(label) * 30 + Int(generator.next() % 60))) }
        }
        return Dataset(images: images, labels: labels, split: .train, source: "synthetic")
    }

    func temporaryRun() throws -> RunDirectory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fer-cl-resume-\(UUID().uuidString)")
        let run = try RunDirectory(url, resume: false, force: false)
        try run.create()
        return run
    }

    func parameters(_ network: Network) throws -> [[Float]] {
        try network.parameters.map { try network.backend.floats($0.value) }
            + network.layers.flatMap { $0.stateTensors }.map { try network.backend.floats($0.value) }
    }

    func epochLines(_ run: RunDirectory) throws -> [String] {
        // Timing fields differ between runs; everything else must match.
        try String(contentsOf: run.metrics, encoding: .utf8).split(separator: "\n").map { line in
            String(line).replacingOccurrences(of: #""images_per_s":[^,}]*,?"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #""seconds":[^,}]*,?"#, with: "", options: .regularExpression)
        }
    }

    /// The seed recipe's Adam, and SGD with the state it carries across a checkpoint:
    /// Nesterov momentum buffers, reduce-on-plateau's counters, one-cycle's position.
    @Test(arguments: ["adam", "sgd nesterov plateau", "sgd one-cycle", "adam ema clip", "sgd mixup cutmix"])
    func resumedRunMatchesUninterruptedRunBitForBit(_ recipe: String) throws {
        var options = TrainingOptions()
        options.epochs = 3
        options.batch = 8
        options.learningRate = 0.01
        options.flipProbability = 0.5
        options.rotationDegrees = 10
        options.seed = 5
        if recipe.hasPrefix("sgd") {
            options.optimizer = .sgd
            options.learningRate = 0.05
            options.weightDecay = 5e-4
            options.sparesVectorsFromDecay = true
        }
        if recipe.contains("nesterov") { options.nesterov = true }
        if recipe.contains("plateau") { options.schedule = .plateau; options.plateauPatience = 0; options.plateauFactor = 0.5 }
        if recipe.contains("one-cycle") { options.schedule = .oneCycle }
        if recipe.contains("ema") { options.weightAverageDecay = 0.7 }
        if recipe.contains("clip") { options.gradientClipNorm = 0.5 }
        if recipe.contains("mixup") { options.mixupAlpha = 0.4; options.cutmixAlpha = 1; options.mixProbability = 0.8 }
        let train = Self.syntheticDataset(36, seed: 1), validation = Self.syntheticDataset(12, seed: 2)

        let backend = ReferenceBackend()
        let straightRun = try temporaryRun()
        let straight = try Self.tinyNetwork(backend)
        try straight.initialize(seed: options.seed)
        let outcome = try Trainer(options: options, network: straight, train: train, validation: validation,
                                  run: straightRun, provenance: [:]).run()
        #expect(outcome == .completed)

        let interruptedRun = try temporaryRun()
        let first = try Self.tinyNetwork(backend)
        try first.initialize(seed: options.seed)
        var steps = 0
        let stopped = try Trainer(options: options, network: first, train: train, validation: validation,
                                  run: interruptedRun, provenance: [:]).run(shouldStop: { steps += 1; return steps == 7 })
        #expect(stopped == .interrupted)  // 5 batches per epoch: stopped in the middle of epoch 2

        let resumed = try Self.tinyNetwork(backend)
        let (savedOptions, state) = try Checkpoint.restore(from: interruptedRun.checkpoint, into: resumed)
        #expect(savedOptions == options)
        #expect(state.epoch == 1 && state.batchInEpoch == 2 && state.step == 7)
        let resumedTrainer = try Trainer(options: savedOptions, network: resumed, train: train, validation: validation,
                                         run: interruptedRun, state: state, provenance: [:])
        if let average = resumedTrainer.average { try Checkpoint.restore(average, from: interruptedRun.checkpoint) }
        let finished = try resumedTrainer.run()
        #expect(finished == .completed)

        #expect(try parameters(resumed) == parameters(straight))
        let models = try [straightRun, interruptedRun].map { try SafetensorsFile(contentsOf: $0.model).tensors.mapValues(\.bytes) }
        #expect(models[0] == models[1], "the saved models differ")
        #expect(try epochLines(interruptedRun) == epochLines(straightRun))
        #expect(try epochLines(straightRun).count == 3)
    }

    /// Losses are read back in bulk, not every step: a run that blows up still stops with the
    /// batch whose loss was not finite and names the last good checkpoint.
    @Test func divergenceNamesTheBatchAndTheCheckpoint() throws {
        var options = TrainingOptions()
        options.epochs = 2
        options.batch = 8
        options.learningRate = 1e30
        let backend = ReferenceBackend()
        let run = try temporaryRun()
        let network = try Self.tinyNetwork(backend)
        try network.initialize(seed: 3)
        let trainer = try Trainer(options: options, network: network, train: Self.syntheticDataset(36, seed: 1), validation: nil,
                                  run: run, provenance: [:])
        do {
            _ = try trainer.run()
            Issue.record("a learning rate of 1e30 trained without diverging")
        } catch let TrainingError.diverged(epoch, batch, loss, checkpoint) {
            #expect(epoch == 0 && batch >= 1, "the first step's loss is finite (the weights only blow up after an update)")
            #expect(!loss.isFinite)
            #expect(checkpoint == run.checkpoint.path)
        }
    }
}
