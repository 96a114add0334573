#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) in timm's batch mode: every image of
/// a batch is mixed with its partner, the image at the mirrored batch position (b <-> B-1-b,
/// timm's `x.flip(0)`), with one λ for the whole batch:
///     mixup:  out[b] = λ x[b] + (1 - λ) x[B-1-b]
///     cutmix: out[b] = x[B-1-b] inside the box, x[b] outside; λ = 1 - box area / image area
/// and the loss is λ CE(z, y[b]) + (1 - λ) CE(z, y[B-1-b]) (`SoftmaxCrossEntropyGeometry.mixWeight`).
/// With an odd batch the middle image is its own partner and stays as it is.
public struct MixGeometry: Hashable, Sendable {
    public enum Mode: String, Hashable, Sendable { case mixup, cutmix }
    public var batch, height, width: Int
    public var mode: Mode
    /// The weight of each image's own content and label.
    public var lambda: Float
    /// CutMix: the rows top..<top+boxHeight and columns left..<left+boxWidth come from the partner.
    public var top = 0, left = 0, boxHeight = 0, boxWidth = 0

    public init(batch: Int, height: Int, width: Int, mode: Mode, lambda: Float) {
        self.batch = batch; self.height = height; self.width = width; self.mode = mode; self.lambda = lambda
    }

    public var count: Int { batch * height * width }

    public func validate(op: String) throws {
        guard batch > 0, height > 0, width > 0, (0...1).contains(lambda), top >= 0, left >= 0, boxHeight >= 0, boxWidth >= 0,
              top + boxHeight <= height, left + boxWidth <= width else {
            throw BackendError.invalidArgument(op: op, reason: "invalid batch mixing \(self)")
        }
    }
}

/// How a run mixes its batches (timm's Mixup arguments): each step mixes with probability
/// `probability`; with both alphas set, half the mixed steps use CutMix (timm's switch_prob 0.5).
public struct BatchMixing: Hashable, Sendable {
    public var mixupAlpha: Float
    public var cutmixAlpha: Float
    public var probability: Float

    public init(mixupAlpha: Float = 0, cutmixAlpha: Float = 0, probability: Float = 1) {
        self.mixupAlpha = mixupAlpha; self.cutmixAlpha = cutmixAlpha; self.probability = probability
    }

    public var isEnabled: Bool { (mixupAlpha > 0 || cutmixAlpha > 0) && probability > 0 }

    /// Alphas above this would make Jöhnk's sampler slow (its acceptance falls fast with α) and are
    /// far outside the 0.1-1 that mixup and CutMix use.
    public static let largestAlpha: Float = 4

    /// The Philox stream of the mixing draws: apart from augmentation's (the epochs, and erasing's).
    public static let streamBit: UInt64 = 1 << 62

    /// The mixing of one step (nil: this step is not mixed), a pure function of (seed, step).
    public func geometry(seed: UInt64, step: Int, batch: Int, height: Int, width: Int) -> MixGeometry? {
        guard isEnabled else { return nil }
        var generator = PhiloxGenerator(seed: seed, stream: Self.streamBit | UInt64(step))
        func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
        guard uniform() < Double(probability) else { return nil }
        let cutmix = cutmixAlpha > 0 && (mixupAlpha <= 0 || uniform() < 0.5)
        let alpha = Double(cutmix ? cutmixAlpha : mixupAlpha)
        let lambda = Self.beta(alpha, uniform)
        guard cutmix else { return MixGeometry(batch: batch, height: height, width: width, mode: .mixup, lambda: Float(lambda)) }
        // timm's rand_bbox: sides sqrt(1 - λ) of the image's, centre uniform, clipped to the image;
        // λ is then corrected to the area actually kept.
        let ratio = (1 - lambda).squareRoot()
        let cutHeight = Int(Double(height) * ratio), cutWidth = Int(Double(width) * ratio)
        let centreY = min(Int(uniform() * Double(height)), height - 1), centreX = min(Int(uniform() * Double(width)), width - 1)
        let top = max(centreY - cutHeight / 2, 0), bottom = min(centreY + cutHeight / 2, height)
        let left = max(centreX - cutWidth / 2, 0), right = min(centreX + cutWidth / 2, width)
        var g = MixGeometry(batch: batch, height: height, width: width, mode: .cutmix,
                            lambda: Float(1 - Double((bottom - top) * (right - left)) / Double(height * width)))
        g.top = top; g.left = left; g.boxHeight = bottom - top; g.boxWidth = right - left
        return g
    }

    /// A Beta(α, α) draw by Jöhnk's rejection method, which needs only uniforms (so it is exact
    /// and the same on every platform): accept u^(1/α), v^(1/α) when their sum is at most 1.
    static func beta(_ alpha: Double, _ uniform: () -> Double) -> Double {
        while true {
            let x = pow(uniform(), 1 / alpha), y = pow(uniform(), 1 / alpha)
            if x + y <= 1, x + y > 0 { return x / (x + y) }
        }
    }
}
