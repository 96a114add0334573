/// Shape arithmetic for every op, in one place. Activations are NHWC; see `Backend`.

/// A 2-D convolution: input [batch, height, width, inChannels], weight
/// [kernelHeight, kernelWidth, inChannels, outChannels], output [batch, outHeight, outWidth, outChannels].
public struct Conv2dGeometry: Hashable, Sendable, CustomStringConvertible {
    public var batch, height, width, inChannels, outChannels: Int
    public var kernelHeight, kernelWidth, stride, padding: Int

    public init(batch: Int, height: Int, width: Int, inChannels: Int, outChannels: Int,
                kernelHeight: Int = 3, kernelWidth: Int = 3, stride: Int = 1, padding: Int = 1) {
        self.batch = batch; self.height = height; self.width = width
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride; self.padding = padding
    }

    public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    public var inputCount: Int { batch * height * width * inChannels }
    public var outputCount: Int { batch * outHeight * outWidth * outChannels }
    public var weightCount: Int { kernelHeight * kernelWidth * inChannels * outChannels }
    /// Multiply-adds of one pass (forward, backward-data and backward-weights cost the same).
    public var flops: Double { 2 * Double(outputCount) * Double(kernelHeight * kernelWidth * inChannels) }

    public func validate(op: String) throws {
        guard batch > 0, height > 0, width > 0, inChannels > 0, outChannels > 0,
              kernelHeight > 0, kernelWidth > 0, stride > 0, padding >= 0,
              outHeight > 0, outWidth > 0 else {
            throw BackendError.invalidArgument(op: op, reason: "invalid convolution geometry \(self)")
        }
    }

    public var description: String {
        "n\(batch) \(height)x\(width)x\(inChannels)->\(outChannels) k\(kernelHeight)x\(kernelWidth) s\(stride) p\(padding)"
    }
}

/// Batch norm over the last axis: input viewed as [rows, channels], statistics per channel
/// over all rows (rows = batch * height * width for NHWC images, batch for dense features).
public struct BatchNormGeometry: Hashable, Sendable {
    public var rows, channels: Int
    public var epsilon: Float
    public var momentum: Float

    public init(rows: Int, channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        self.rows = rows; self.channels = channels; self.epsilon = epsilon; self.momentum = momentum
    }

    public var count: Int { rows * channels }

    public func validate(op: String) throws {
        guard rows > 1, channels > 0, epsilon > 0, momentum >= 0, momentum <= 1 else {
            throw BackendError.invalidArgument(op: op, reason: "batch norm needs rows > 1, channels > 0, epsilon > 0, momentum in [0,1]; got rows \(rows) channels \(channels)")
        }
    }
}

/// 2x2 max pooling with stride 2 over NHWC input; odd trailing rows/columns are dropped as
/// PyTorch's `max_pool2d(x, 2)` does.
///
/// `fusedReLU` pools relu(x) without a separate ReLU pass: relu and max commute
/// (max_w relu(x) = relu(max_w x)), so the output is relu of the window maximum, and the
/// ReLU's gradient mask is the pooled output being positive. The argmax is then -1 where the
/// maximum is not positive: that window passes no gradient, as relu'(x) = 0 for x <= 0.
public struct PoolGeometry: Hashable, Sendable {
    public var batch, height, width, channels: Int
    public var fusedReLU: Bool

    public init(batch: Int, height: Int, width: Int, channels: Int, fusedReLU: Bool = false) {
        self.batch = batch; self.height = height; self.width = width; self.channels = channels; self.fusedReLU = fusedReLU
    }

    public var outHeight: Int { height / 2 }
    public var outWidth: Int { width / 2 }
    public var inputCount: Int { batch * height * width * channels }
    public var outputCount: Int { batch * outHeight * outWidth * channels }
    /// The batch-norm view of the pool's input: every pixel is a row.
    public var batchNorm: BatchNormGeometry { BatchNormGeometry(rows: batch * height * width, channels: channels) }

    public func validate(op: String) throws {
        guard batch > 0, height >= 2, width >= 2, channels > 0 else {
            throw BackendError.invalidArgument(op: op, reason: "max pool needs an input of at least 2x2, got \(height)x\(width)")
        }
    }

    /// The checks of the fused batch norm + ReLU + pool ops.
    public func validateBatchNormFused(op: String) throws {
        try validate(op: op)
        guard fusedReLU else {
            throw BackendError.invalidArgument(op: op, reason: "the fused batch norm + ReLU + pool op needs a geometry with fusedReLU set")
        }
    }
}

/// A dense layer: input [batch, inFeatures], weight [inFeatures, outFeatures], bias [outFeatures].
public struct DenseGeometry: Hashable, Sendable {
    public var batch, inFeatures, outFeatures: Int

    public init(batch: Int, inFeatures: Int, outFeatures: Int) {
        self.batch = batch; self.inFeatures = inFeatures; self.outFeatures = outFeatures
    }

    public var flops: Double { 2 * Double(batch) * Double(inFeatures) * Double(outFeatures) }

    public func validate(op: String) throws {
        guard batch > 0, inFeatures > 0, outFeatures > 0 else {
            throw BackendError.invalidArgument(op: op, reason: "dense needs positive sizes, got \(batch)x\(inFeatures)->\(outFeatures)")
        }
    }
}

/// Inverted dropout: an element is kept when its Philox uniform is >= rate and then scaled by
/// 1/(1-rate). The draw for element i is `Philox.uniform(seed, stream, i)`, so a mask is a
/// pure function of (seed, stream, i) and both backends draw the same one.
public struct DropoutParameters: Hashable, Sendable {
    public var count: Int
    public var rate: Float
    public var seed: UInt64
    public var stream: UInt64

    public init(count: Int, rate: Float, seed: UInt64, stream: UInt64) {
        self.count = count; self.rate = rate; self.seed = seed; self.stream = stream
    }

    public var scale: Float { 1 / (1 - rate) }

    public func validate(op: String) throws {
        guard count > 0, rate >= 0, rate < 1 else {
            throw BackendError.invalidArgument(op: op, reason: "dropout rate must be in [0,1), got \(rate)")
        }
    }
}

/// Softmax cross-entropy over [batch, classes] logits with int32 labels. With class weights
/// w the loss is sum_n w[y_n] * -log p[n, y_n] / sum_n w[y_n] (PyTorch's weighted mean).
public struct SoftmaxCrossEntropyGeometry: Hashable, Sendable {
    public var batch, classes: Int
    /// torch's `label_smoothing`: the target is (1 - s) on the label plus s / classes on every class.
    public var labelSmoothing: Float
    /// Mixup / CutMix: the weight λ of each row's own label, 1 - λ going to the label of row
    /// batch-1-n (see `MixGeometry`); 1 for an unmixed batch.
    public var mixWeight: Float

    public init(batch: Int, classes: Int, labelSmoothing: Float = 0, mixWeight: Float = 1) {
        self.batch = batch; self.classes = classes; self.labelSmoothing = labelSmoothing; self.mixWeight = mixWeight
    }

    public func validate(op: String) throws {
        guard batch > 0, classes > 1 else {
            throw BackendError.invalidArgument(op: op, reason: "softmax cross-entropy needs batch > 0 and classes > 1")
        }
        guard labelSmoothing >= 0, labelSmoothing < 1 else {
            throw BackendError.invalidArgument(op: op, reason: "label smoothing must be in [0, 1), got \(labelSmoothing)")
        }
        guard (0...1).contains(mixWeight) else {
            throw BackendError.invalidArgument(op: op, reason: "mix weight must be in [0, 1], got \(mixWeight)")
        }
    }
}

/// One Adam step with PyTorch's arithmetic. `weightDecay` is L2 added to the gradient for
/// Adam, and decoupled (p *= 1 - lr * wd) for AdamW. `step` counts from 1.
public struct AdamHyperparameters: Hashable, Sendable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public var decoupledWeightDecay: Bool
    public var step: Int

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false, step: Int = 1) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.decoupledWeightDecay = decoupledWeightDecay; self.step = step
    }

    /// lr / (1 - beta1^t), computed in Float64 on the host so both backends get the same number.
    public var stepSize: Float { Float(Double(learningRate) / (1 - pow(Double(beta1), Double(step)))) }
    /// sqrt(1 - beta2^t).
    public var secondMomentCorrection: Float { Float((1 - pow(Double(beta2), Double(step))).squareRoot()) }

    public func validate(op: String) throws {
        guard step >= 1, learningRate >= 0, beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1, epsilon > 0, weightDecay >= 0 else {
            throw BackendError.invalidArgument(op: op, reason: "invalid Adam hyperparameters \(self)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
