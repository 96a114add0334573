import FERCore
import FERData
import FERModel
import Foundation

public enum TrainingError: Error, CustomStringConvertible {
    case diverged(epoch: Int, batch: Int, loss: Float, checkpoint: String)
    case emptyTrainingSet
    case plateauWithoutValidation

    public var description: String {
        switch self {
        case let .diverged(epoch, batch, loss, checkpoint):
            "training diverged: loss \(loss) at epoch \(epoch + 1), batch \(batch + 1). "
                + (FileManager.default.fileExists(atPath: checkpoint)
                   ? "The last good checkpoint is \(checkpoint). " : "No checkpoint was written yet. ")
                + "Try a lower --lr or a warm-up (--schedule cosine --warmup 1)."
        case .emptyTrainingSet:
            "the training split has no images"
        case .plateauWithoutValidation:
            "--schedule plateau watches the validation accuracy, and this run has no validation data (give --val PATH or --val-split F)"
        }
    }
}

/// One epoch's numbers: a line on the terminal and a record of metrics.jsonl.
public struct EpochMetrics: Codable, Sendable {
    public let epoch: Int
    public let trainLoss: Double
    public let trainAccuracy: Double
    public let validationLoss: Double?
    public let validationAccuracy: Double?
    /// Validation recall of each class (by class name) and their F1 scores' mean: accuracy
    /// alone hides a class that is never predicted (disgust, in every seed run).
    public let validationRecall: [String: Double]?
    public let validationMacroF1: Double?
    public let imagesPerSecond: Double
    public let seconds: Double
    public let learningRate: Float

    enum CodingKeys: String, CodingKey {
        case epoch, trainLoss = "train_loss", trainAccuracy = "train_accuracy", validationLoss = "val_loss",
             validationAccuracy = "val_accuracy", validationRecall = "val_recall", validationMacroF1 = "val_macro_f1",
             imagesPerSecond = "images_per_s", seconds, learningRate = "lr"
    }
}

public enum TrainerEvent {
    case step(epoch: Int, batch: Int, batches: Int, loss: Float, imagesPerSecond: Double)
    case epoch(EpochMetrics)
}

public enum TrainingOutcome: Equatable { case completed, interrupted }

/// The training loop: epochs of shuffled (or balanced) batches gathered and augmented on
/// the device, forward, loss, backward, optimiser step; validation and checkpoints after each epoch.
public final class Trainer {
    public let options: TrainingOptions
    public let network: Network
    public let run: RunDirectory
    public private(set) var state: TrainingState
    let train: DeviceDataset
    let validation: DeviceDataset?
    let provenance: [String: String]
    let loss: SoftmaxCrossEntropyLoss
    let optimizer: Optimizer
    /// The weights' moving average when `--ema` asks for one: validated and saved instead of the live weights.
    public let average: WeightAverage?
    let clipper: GradientClipper?
    let sampler: Sampler
    /// The mixed copy of each batch when --mixup / --cutmix are on (the op does not work in place).
    let mixedInput: BatchBuffers

    public init(options: TrainingOptions, network: Network, train: Dataset, validation: Dataset?,
                run: RunDirectory, state: TrainingState = TrainingState(), provenance: [String: String]) throws {
        guard train.count > 0 else { throw TrainingError.emptyTrainingSet }
        if options.schedule == .plateau && validation == nil { throw TrainingError.plateauWithoutValidation }
        self.options = options
        self.network = network
        self.run = run
        self.state = state
        self.provenance = provenance
        self.train = try DeviceDataset(train, on: network.backend)
        self.validation = try validation.map { try DeviceDataset($0, on: network.backend) }
        loss = try SoftmaxCrossEntropyLoss(backend: network.backend, classes: network.classes,
                                           classWeights: options.classWeights ? Sampler.classWeights(labels: train.labels, power: options.classWeightPower) : nil,
                                           labelSmoothing: options.labelSmoothing)
        optimizer = options.makeOptimizer(step: state.step)
        clipper = options.gradientClipNorm > 0 ? try GradientClipper(maxNorm: options.gradientClipNorm, backend: network.backend) : nil
        average = options.weightAverageDecay > 0 ? try WeightAverage(network: network, decay: options.weightAverageDecay) : nil
        sampler = Sampler(labels: train.labels, seed: options.seed, balanced: options.balancedSampling)
        mixedInput = BatchBuffers(backend: network.backend)
    }

    public var batchesPerEpoch: Int { (train.count + options.batch - 1) / options.batch }

    /// Trains until `options.epochs` are done or `shouldStop` returns true (checked after
    /// every step; the run is then checkpointed mid-epoch and can be resumed exactly).
    public func run(shouldStop: () -> Bool = { false }, events: (TrainerEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        let backend = network.backend
        while state.epoch < options.epochs {
            let epoch = state.epoch
            let order = sampler.order(epoch: epoch)
            let augmentation = options.augmentation(batch: options.batch, imageCount: train.count, epoch: epoch)
            let started = Date()
            let firstBatch = state.batchInEpoch
            var lastReport = Date()
            try train.upload(order: order)
            let pending = PendingStepResults()
            func drain(keepingNewest: Bool = false) throws {
                try pending.drain(into: &state, backend: backend, keepingNewest: keepingNewest) { batch, loss in
                    TrainingError.diverged(epoch: epoch, batch: batch, loss: loss, checkpoint: run.checkpoint.path)
                }
            }
            while state.batchInEpoch < batchesPerEpoch {
                let b = state.batchInEpoch
                let positions = (b * options.batch)..<min((b + 1) * options.batch, order.count)
                var (input, labels) = try train.batch(at: positions, parameters: augmentation)
                let mix = options.mixing.geometry(seed: options.seed, step: state.step, batch: positions.count,
                                                  height: augmentation.height, width: augmentation.width)
                if let mix {
                    let mixed = try mixedInput.tensor("input", batch: positions.count, sampleShape: Array(input.shape.dropFirst()))
                    try backend.mixBatch(mix, input: input, output: mixed)
                    input = mixed
                }
                let context = PassContext(mode: .training, seed: options.seed, step: state.step + 1)
                let logits = try network.forward(input, context: context)
                let outputs = try loss(logits: logits, labels: labels, slot: pending.nextSlot, mixWeight: mix?.lambda ?? 1)
                try network.backward(outputs.logitsGrad, context: context)
                optimizer.learningRate = options.learningRate(step: state.step, stepsPerEpoch: batchesPerEpoch,
                                                                              plateauScale: state.plateau.scale)
                try clipper?.clip(network.parameters)
                try optimizer.update(network.parameters, on: backend)
                try average?.update()
                pending.append(batchInEpoch: b, images: positions.count, outputs: outputs)
                state.batchInEpoch += 1
                state.step += 1
                let epochDone = state.batchInEpoch == batchesPerEpoch
                if epochDone {
                    try drain()
                } else if pending.isDue {
                    try drain(keepingNewest: true)
                }
                if let batchLoss = pending.lastLoss, Date().timeIntervalSince(lastReport) >= 0.5 || epochDone {
                    let seconds = Date().timeIntervalSince(started)
                    let images = Double(min(state.batchInEpoch * options.batch, order.count) - firstBatch * options.batch)
                    events(.step(epoch: epoch, batch: state.batchInEpoch, batches: batchesPerEpoch, loss: batchLoss,
                                 imagesPerSecond: seconds > 0 ? images / seconds : 0))
                    lastReport = Date()
                }
                if shouldStop() {
                    try drain()
                    try saveCheckpoint()
                    return .interrupted
                }
            }
            let seconds = Date().timeIntervalSince(started)
            let trainedImages = Double(order.count - firstBatch * options.batch)
            let evaluation = try validation.map { data -> Evaluation in
                // At the training batch size, so evaluation reuses the training step's buffers.
                var evaluator = Evaluator(network: network, normalization: options.normalization)
                evaluator.batch = options.batch
                return try withModelWeights { try evaluator.evaluate(data) }
            }
            let metrics = EpochMetrics(epoch: epoch + 1, trainLoss: state.epochLossSum / Double(max(state.epochSeen, 1)),
                                       trainAccuracy: Double(state.epochCorrect) / Double(max(state.epochSeen, 1)),
                                       validationLoss: evaluation?.loss, validationAccuracy: evaluation?.accuracy,
                                       validationRecall: evaluation?.recall, validationMacroF1: evaluation?.macroF1,
                                       imagesPerSecond: seconds > 0 ? trainedImages / seconds : 0, seconds: seconds,
                                       learningRate: optimizer.learningRate)
            state.epoch += 1
            state.batchInEpoch = 0
            state.epochLossSum = 0
            state.epochCorrect = 0
            state.epochSeen = 0
            if options.schedule == .plateau, let accuracy = evaluation?.accuracy {
                _ = state.plateau.record(accuracy, factor: options.plateauFactor, patience: options.plateauPatience)
            }
            var isBest = false
            if let accuracy = evaluation?.accuracy, accuracy > state.bestValidationAccuracy {
                state.bestValidationAccuracy = accuracy
                state.bestEpoch = state.epoch
                isBest = true
            }
            try run.appendMetrics(metrics)
            try saveCheckpoint()
            if isBest || validation == nil {
                try withModelWeights {
                    try Checkpoint.saveModel(network: network, normalization: options.normalization, provenance: provenance, to: run.best)
                }
            }
            events(.epoch(metrics))
        }
        try withModelWeights {
            try Checkpoint.saveModel(network: network, normalization: options.normalization, provenance: provenance, to: run.model)
        }
        return .completed
    }

    /// Runs `body` with the weights the run reports: the moving average when there is one.
    func withModelWeights<T>(_ body: () throws -> T) throws -> T {
        guard let average else { return try body() }
        return try average.swappedIn(body)
    }

    func saveCheckpoint() throws {
        try Checkpoint.save(network: network, options: options, state: state, provenance: provenance, average: average, to: run.checkpoint)
    }
}
