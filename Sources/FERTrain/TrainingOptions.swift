import FERCore

/// Everything that determines a training run. Stored in checkpoints and metrics so a run
/// can be resumed and reproduced. Defaults are the write-up's seed recipe.
public struct TrainingOptions: Codable, Equatable, Sendable {
    /// How the learning rate moves over a run (see `LearningRateSchedule.swift`).
    public enum Schedule: String, Codable, Sendable, CaseIterable {
        case constant, step, cosine
        case oneCycle = "one-cycle"
        case plateau
    }

    /// The optimisers `--optimizer` names.
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case adam, sgd }

    /// The named recipe (`--recipe`) the run started from, if any; its options are in the fields.
    public var recipe: String?
    public var architecture = "seed"
    public var epochs = 15
    public var batch = 64
    public var learningRate: Float = 0.001
    public var weightDecay: Float = 0
    /// AdamW (decoupled weight decay) instead of Adam's L2 term; for SGD, p *= 1 - lr * wd.
    public var decoupledWeightDecay = false
    public var optimizer: OptimizerKind = .adam
    /// SGD's momentum and whether it is Nesterov's.
    public var momentum: Float = 0.9
    public var nesterov = false
    /// No weight decay on biases and batch-norm parameters.
    public var sparesVectorsFromDecay = false
    public var schedule: Schedule = .constant
    /// Linear warm-up length in epochs (cosine and step schedules).
    public var warmupEpochs: Float = 0
    /// Step schedule: multiply by `stepGamma` every `stepEpochs` epochs.
    public var stepEpochs = 5
    public var stepGamma: Float = 0.1
    /// Reduce-on-plateau: multiply by `plateauFactor` after `plateauPatience` epochs without a
    /// better validation accuracy.
    public var plateauFactor: Float = 0.1
    public var plateauPatience = 10
    public var seed: UInt64 = 1
    // Augmentation (all off in the seed recipe).
    public var flipProbability: Float = 0
    public var rotationDegrees: Float = 0
    public var scaleJitter: Float = 0
    public var translatePixels: Float = 0
    public var cropPadding = 0
    /// Random-erasing probability (see `AugmentParameters`).
    public var erasingProbability: Float = 0
    /// Mixup / CutMix Beta(α, α) parameters (0: off) and the share of steps mixed (see `BatchMixing`).
    public var mixupAlpha: Float = 0
    public var cutmixAlpha: Float = 0
    public var mixProbability: Float = 1
    // Normalisation: input = (pixel / 255 - mean) / std; [0, 1] scaling in the seed recipe.
    public var mean: Float = 0
    public var std: Float = 1
    /// Gradients are scaled so their global L2 norm is at most this (0: no clipping).
    public var gradientClipNorm: Float = 0
    /// Exponential moving average of the weights, validated and saved as the model (0: off).
    public var weightAverageDecay: Float = 0
    /// torch's CrossEntropyLoss label_smoothing (0 in the seed recipe).
    public var labelSmoothing: Float = 0
    // Class balancing.
    public var classWeights = false
    /// Class weights are the inverse frequencies raised to this power (1: scikit-learn's
    /// "balanced"; 0.5: their square root, a milder push towards the rare classes).
    public var classWeightPower: Float = 1
    public var balancedSampling = false
    /// Fraction of the training split held out for validation when the data has no test split
    /// or `--val-split` asks for it.
    public var validationSplit: Float = 0
    /// Whether `--val-split` holds out the same fraction of every class (new runs) or a plain
    /// random fraction (runs started before fer-cl 0.2, which decode as false and so resume
    /// on the split they started with).
    public var stratifiedValidationSplit = true
    /// The images the run reads, as resolved when it started; nil in checkpoints written
    /// before fer-cl 0.2 recorded it (their command line says it instead).
    public var data: DataSelection?

    public init() {}

    /// Every field is optional in a saved record and takes its default when absent, so a
    /// checkpoint written before a field existed still resumes (the synthesized decoder
    /// rejected the whole record for one missing key).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingOptions()
        recipe = try c.decodeIfPresent(String.self, forKey: .recipe)
        mixupAlpha = try c.value(.mixupAlpha, or: d.mixupAlpha)
        cutmixAlpha = try c.value(.cutmixAlpha, or: d.cutmixAlpha)
        mixProbability = try c.value(.mixProbability, or: d.mixProbability)
        architecture = try c.value(.architecture, or: d.architecture)
        epochs = try c.value(.epochs, or: d.epochs)
        batch = try c.value(.batch, or: d.batch)
        learningRate = try c.value(.learningRate, or: d.learningRate)
        weightDecay = try c.value(.weightDecay, or: d.weightDecay)
        decoupledWeightDecay = try c.value(.decoupledWeightDecay, or: d.decoupledWeightDecay)
        optimizer = try c.value(.optimizer, or: d.optimizer)
        momentum = try c.value(.momentum, or: d.momentum)
        nesterov = try c.value(.nesterov, or: d.nesterov)
        sparesVectorsFromDecay = try c.value(.sparesVectorsFromDecay, or: d.sparesVectorsFromDecay)
        schedule = try c.value(.schedule, or: d.schedule)
        warmupEpochs = try c.value(.warmupEpochs, or: d.warmupEpochs)
        stepEpochs = try c.value(.stepEpochs, or: d.stepEpochs)
        stepGamma = try c.value(.stepGamma, or: d.stepGamma)
        plateauFactor = try c.value(.plateauFactor, or: d.plateauFactor)
        plateauPatience = try c.value(.plateauPatience, or: d.plateauPatience)
        seed = try c.value(.seed, or: d.seed)
        flipProbability = try c.value(.flipProbability, or: d.flipProbability)
        rotationDegrees = try c.value(.rotationDegrees, or: d.rotationDegrees)
        scaleJitter = try c.value(.scaleJitter, or: d.scaleJitter)
        translatePixels = try c.value(.translatePixels, or: d.translatePixels)
        cropPadding = try c.value(.cropPadding, or: d.cropPadding)
        erasingProbability = try c.value(.erasingProbability, or: d.erasingProbability)
        mean = try c.value(.mean, or: d.mean)
        std = try c.value(.std, or: d.std)
        labelSmoothing = try c.value(.labelSmoothing, or: d.labelSmoothing)
        weightAverageDecay = try c.value(.weightAverageDecay, or: d.weightAverageDecay)
        gradientClipNorm = try c.value(.gradientClipNorm, or: d.gradientClipNorm)
        classWeights = try c.value(.classWeights, or: d.classWeights)
        classWeightPower = try c.value(.classWeightPower, or: d.classWeightPower)
        balancedSampling = try c.value(.balancedSampling, or: d.balancedSampling)
        validationSplit = try c.value(.validationSplit, or: d.validationSplit)
        stratifiedValidationSplit = try c.value(.stratifiedValidationSplit, or: false)
        data = try c.decodeIfPresent(DataSelection.self, forKey: .data)
    }

    enum CodingKeys: String, CodingKey {
        case recipe, architecture, epochs, batch, learningRate, weightDecay, decoupledWeightDecay, optimizer, momentum, nesterov,
             sparesVectorsFromDecay, schedule, warmupEpochs, stepEpochs,
             stepGamma, plateauFactor, plateauPatience, seed, flipProbability, rotationDegrees, scaleJitter, translatePixels, cropPadding, erasingProbability, mixupAlpha, cutmixAlpha, mixProbability, mean, std,
             labelSmoothing, weightAverageDecay, gradientClipNorm, classWeights, classWeightPower, balancedSampling, validationSplit, stratifiedValidationSplit, data
    }

    public var mixing: BatchMixing { BatchMixing(mixupAlpha: mixupAlpha, cutmixAlpha: cutmixAlpha, probability: mixProbability) }

    public var normalization: Normalization {
        Normalization(scale: 1.0 / 255.0, mean: mean, std: std, trainingCropPadding: cropPadding > 0 ? cropPadding : nil)
    }

    public func augmentation(batch: Int, imageCount: Int, epoch: Int) -> AugmentParameters {
        var p = normalization.plainBatch(batch: batch, imageCount: imageCount, seed: seed, epoch: UInt64(epoch))
        p.flipProbability = flipProbability
        p.minRotation = -rotationDegrees; p.maxRotation = rotationDegrees
        p.minScale = 1 - scaleJitter; p.maxScale = 1 + scaleJitter
        p.maxTranslation = translatePixels
        p.cropPadding = cropPadding
        p.erasingProbability = erasingProbability
        return p
    }

    /// Problems a user can fix, as sentences; empty when the options are usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if epochs < 1 { problems.append("--epochs must be at least 1") }
        if batch < 2 { problems.append("--batch must be at least 2 (batch norm needs two samples)") }
        if !(learningRate > 0) || !learningRate.isFinite { problems.append("--lr must be a positive number") }
        if weightDecay < 0 || !weightDecay.isFinite { problems.append("--weight-decay must be >= 0") }
        if gradientClipNorm < 0 || !gradientClipNorm.isFinite { problems.append("--clip-norm must be >= 0 (0 turns it off)") }
        if !(0..<1).contains(weightAverageDecay) { problems.append("--ema must be in [0, 1) (0 turns it off)") }
        if !(0..<1).contains(labelSmoothing) { problems.append("--label-smoothing must be in [0, 1)") }
        if !(0...1).contains(flipProbability) { problems.append("--flip must be in [0, 1]") }
        if rotationDegrees < 0 || rotationDegrees > 180 { problems.append("--rotate must be in [0, 180] degrees") }
        if scaleJitter < 0 || scaleJitter >= 1 { problems.append("--scale must be in [0, 1)") }
        if translatePixels < 0 || translatePixels > 24 { problems.append("--translate must be in [0, 24] pixels") }
        if !(0...1).contains(erasingProbability) { problems.append("--erase must be in [0, 1]") }
        if !(0...BatchMixing.largestAlpha).contains(mixupAlpha) || !(0...BatchMixing.largestAlpha).contains(cutmixAlpha) {
            problems.append("--mixup and --cutmix must be in [0, \(BatchMixing.largestAlpha)] (0 turns them off)")
        }
        if !(0...1).contains(mixProbability) { problems.append("--mix-prob must be in [0, 1]") }
        if cropPadding < 0 || cropPadding > 24 { problems.append("--crop-padding must be in [0, 24]") }
        if !(std > 0) || !std.isFinite || !mean.isFinite { problems.append("--std must be positive and --mean finite") }
        if !(0..<1).contains(validationSplit) { problems.append("--val-split must be in [0, 1)") }
        if warmupEpochs < 0 || warmupEpochs >= Float(epochs) { problems.append("--warmup must be in [0, epochs)") }
        if !(0..<1).contains(momentum) { problems.append("--momentum must be in [0, 1)") }
        if nesterov && (optimizer != .sgd || momentum == 0) { problems.append("--nesterov needs --optimizer sgd and a momentum above 0") }
        if stepEpochs < 1 || !(stepGamma > 0) { problems.append("--step-epochs must be >= 1 and --step-gamma > 0") }
        if !(plateauFactor > 0 && plateauFactor < 1) || plateauPatience < 0 {
            problems.append("--plateau-factor must be in (0, 1) and --plateau-patience >= 0")
        }
        return problems
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
