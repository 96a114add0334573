import FERCore

/// The learning rate of every step, in PyTorch's arithmetic so a recipe means the same in
/// both (each formula is tested against a transcription of its `torch.optim.lr_scheduler`
/// class):
/// - `constant`: `--lr` throughout.
/// - `step` (StepLR): `lr * gamma^floor(epoch / stepEpochs)`.
/// - `cosine` (CosineAnnealingLR, per step, eta_min 0): `lr * (1 + cos(pi * t / T)) / 2` over
///   the epochs after the warm-up.
/// - `one-cycle` (OneCycleLR, cos annealing, two phases, div_factor 25, final_div_factor 1e4):
///   from lr/25 up to lr over the warm-up (`--warmup` epochs, else 30% of the run: PyTorch's
///   pct_start), then down to lr/25/1e4 at the last step.
/// - `plateau` (ReduceLROnPlateau, mode max on validation accuracy, threshold 1e-4 relative):
///   `lr * factor^(reductions so far)`, the reductions counted by `PlateauTracker` per epoch.
/// A linear warm-up (`--warmup` epochs) ramps `step`, `cosine` and `plateau` from lr/stepsPerEpoch.
extension TrainingOptions {
    /// PyTorch's OneCycleLR defaults.
    static let oneCycleDivFactor: Float = 25
    static let oneCycleFinalDivFactor: Float = 1e4
    static let oneCycleDefaultWarmupFraction: Float = 0.3

    /// The learning rate of optimiser step `step` (0-based over the whole run); `plateauScale`
    /// is the reduce-on-plateau factor reached so far (1 for other schedules).
    public func learningRate(step: Int, stepsPerEpoch: Int, plateauScale: Float = 1) -> Float {
        let stepsPerEpoch = max(stepsPerEpoch, 1)
        if schedule == .oneCycle { return oneCycleRate(step: step, totalSteps: epochs * stepsPerEpoch, stepsPerEpoch: stepsPerEpoch) }
        let epochProgress = Float(step) / Float(stepsPerEpoch)
        if warmupEpochs > 0, epochProgress < warmupEpochs, schedule != .constant {
            return learningRate * (epochProgress + 1 / Float(stepsPerEpoch)) / warmupEpochs
        }
        switch schedule {
        case .constant:
            return learningRate
        case .step:
            return learningRate * pow(stepGamma, Float(Int(epochProgress) / max(stepEpochs, 1)))
        case .cosine:
            let total = Float(epochs) - warmupEpochs
            let progress = min(max((epochProgress - warmupEpochs) / max(total, 1e-6), 0), 1)
            return learningRate * 0.5 * (1 + cos(Float.pi * progress))
        case .plateau:
            return learningRate * plateauScale
        case .oneCycle:
            return learningRate  // handled above
        }
    }

    /// OneCycleLR's two cosine phases, as torch computes them per step.
    func oneCycleRate(step: Int, totalSteps: Int, stepsPerEpoch: Int) -> Float {
        let initial = learningRate / Self.oneCycleDivFactor
        let minimum = initial / Self.oneCycleFinalDivFactor
        let fraction = warmupEpochs > 0 ? warmupEpochs / Float(epochs) : Self.oneCycleDefaultWarmupFraction
        let peakStep = Float(fraction * Float(totalSteps)) - 1
        let lastStep = Float(totalSteps - 1)
        func anneal(_ start: Float, _ end: Float, _ pct: Float) -> Float { end + (start - end) / 2 * (1 + cos(Float.pi * pct)) }
        let t = Float(min(step, totalSteps - 1))
        if t <= peakStep { return anneal(initial, learningRate, peakStep > 0 ? t / peakStep : 1) }
        return anneal(learningRate, minimum, (t - peakStep) / max(lastStep - peakStep, 1))
    }
}

/// Reduce-on-plateau's memory across epochs (and checkpoints): the best validation accuracy,
/// the epochs since it improved by more than `threshold` (relative), and the factor reached.
public struct PlateauTracker: Codable, Equatable, Sendable {
    /// Below any accuracy, as torch's -inf is (JSON has no infinity).
    public var best: Double = -1
    public var badEpochs = 0
    public var scale: Float = 1
    /// ReduceLROnPlateau's default relative threshold.
    public static let threshold = 1e-4

    public init() {}

    /// Records one epoch's validation accuracy; returns true when the rate was reduced.
    public mutating func record(_ accuracy: Double, factor: Float, patience: Int) -> Bool {
        if accuracy > best * (1 + Self.threshold) {
            best = accuracy
            badEpochs = 0
            return false
        }
        badEpochs += 1
        guard badEpochs > patience else { return false }
        scale *= factor
        badEpochs = 0
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
