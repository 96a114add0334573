import FERCore

/// Whether a forward pass trains (batch statistics, dropout) or evaluates (running
/// statistics, no dropout).
public enum Mode: Sendable { case training, inference }

/// What a forward pass needs besides its input.
public struct PassContext: Sendable {
    public var mode: Mode
    /// Seeds the dropout masks: stream = step * 1024 + layer index, so each step and layer
    /// draws a fresh, reproducible mask.
    public var seed: UInt64
    public var step: Int

    public init(mode: Mode, seed: UInt64 = 0, step: Int = 0) {
        self.mode = mode; self.seed = seed; self.step = step
    }
}

/// One node's computation in a network graph. A layer owns its parameters and, per batch
/// size, the tensors its forward pass writes (allocated on first use, reused for every later
/// step, so no step allocates device memory); its input gradients live in the network's
/// `BufferPool`. Shapes are per sample, NHWC ([height, width,
/// channels]) or [features]. Most layers read one value and conform through
/// `SingleInputLayer`; joins (add, channel scale) read several.
public protocol Layer: AnyObject {
    /// The node's name, which prefixes its tensors' names (PyTorch's module path: "conv1",
    /// "layer1.0.bn2"), or a descriptive name for layers without parameters.
    var name: String { get }
    var parameters: [Parameter] { get }
    /// Non-trainable state saved with the model (batch norm's running statistics).
    var stateTensors: [StateTensor] { get }
    /// Integer state saved with the model as int64 scalars (batch norm's num_batches_tracked).
    var counters: [String: Int64] { get }
    func restoreCounter(_ name: String, _ value: Int64)
    /// PyTorch's default initialisation of `parameter`: U(-b, b) with b = 1/sqrt(fan_in) for
    /// a fan-in, nil where the layer's constructor values are the initialisation (batch norm).
    func initializationFanIn(of parameter: Parameter) -> Int?
    /// Multiply-adds x 2 of one sample's forward pass (0 for layers that only move data).
    func forwardFLOPs() -> Double
    /// What the layer computes, for summaries ("conv2d 3x3 s2", "batchnorm+relu+maxpool").
    var kind: String { get }
    /// Called once with the shapes of the input values, in the order of the node's inputs.
    func outputShape(forInputs inputShapes: [[Int]]) throws -> [Int]
    /// Runs the forward pass and returns the layer's output tensor for this batch. `pool` is
    /// given in an inference pass, for every node but the output: values that no backward
    /// pass will read go there (`BatchBuffers.output`), and the pass takes them back after
    /// their last reader.
    func forward(inputs: [Tensor], pool: BufferPool?, context: PassContext) throws -> Tensor
    /// Given the gradient of the output, writes parameter gradients and returns one gradient
    /// per input, nil where `needsInputGradients` says it is not needed (the network input).
    /// Input gradients are written into buffers from `gradients`, the network's pool, which
    /// takes them back once the pass has consumed them; a layer keeps no gradient across
    /// steps. The returned tensors may also be `outputGrad` itself (an identity): callers must
    /// not write into them.
    func backward(_ outputGrad: Tensor, needsInputGradients: [Bool], gradients: BufferPool, context: PassContext) throws -> [Tensor?]
}

extension Layer {
    public var stateTensors: [StateTensor] { [] }
    public var counters: [String: Int64] { [:] }
    public func restoreCounter(_ name: String, _ value: Int64) {}
    public func initializationFanIn(of parameter: Parameter) -> Int? { nil }
    public func forwardFLOPs() -> Double { 0 }
    public var kind: String {
        let type = String(describing: Swift.type(of: self))
        return (type.hasSuffix("Layer") ? String(type.dropLast(5)) : type).lowercased()
    }
}

/// A layer that reads one value.
public protocol SingleInputLayer: Layer {
    func outputShape(for inputShape: [Int]) throws -> [Int]
    func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor
    /// Given the gradient of the output, writes parameter gradients and returns the input
    /// gradient (in a buffer from `gradients`, or `outputGrad` itself), or nil when
    /// `needsInputGradient` is false.
    func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor?
}

extension SingleInputLayer {
    public func outputShape(forInputs inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw ModelError.inputCount(layer: name, expected: 1, actual: inputShapes.count) }
        return try outputShape(for: inputShapes[0])
    }

    public func forward(inputs: [Tensor], pool: BufferPool?, context: PassContext) throws -> Tensor {
        guard inputs.count == 1 else { throw ModelError.inputCount(layer: name, expected: 1, actual: inputs.count) }
        return try forward(inputs[0], pool: pool, context: context)
    }

    public func backward(_ outputGrad: Tensor, needsInputGradients: [Bool], gradients: BufferPool, context: PassContext) throws -> [Tensor?] {
        [try backward(outputGrad, needsInputGradient: needsInputGradients.first ?? false, gradients: gradients, context: context)]
    }
}

/// A named tensor that is part of a model but not trained by the optimiser.
public struct StateTensor {
    public let name: String
    public let value: Tensor
    /// How the tensor is stored in PyTorch's state_dict; the engine's own layout otherwise matches.
    public let pytorchShape: [Int]
}

/// A layer's per-batch tensors by role ("output", "argmax", ...). Each is allocated on
/// first use for the largest batch seen so far and handed out as a view for smaller batches,
/// so a run's last partial batch and evaluation at the training batch size reuse the same
/// memory. No step after the first allocates.
public final class BatchBuffers {
    let backend: Backend
    private var storage: [String: Tensor] = [:]

    public init(backend: Backend) { self.backend = backend }

    public func tensor(_ role: String, batch: Int, sampleShape: [Int], _ dtype: DType = .float32) throws -> Tensor {
        let shape = [batch] + sampleShape
        if holds(role, count: shape.reduce(1, *), dtype), let existing = storage[role] {
            return try existing.prefix(shape)
        }
        let tensor = try backend.makeTensor(shape, dtype)
        storage[role] = tensor
        return tensor
    }

    /// A forward pass's `role` tensor: the layer's own where it holds one that fits (training
    /// allocates it, since the backward pass reads it; an inference pass of a trained network
    /// then reuses it and adds nothing), else from `pool` where one is given (an inference pass
    /// of a network that never trained: evaluation, prediction), else a new own one.
    public func output(_ role: String, batch: Int, sampleShape: [Int], _ dtype: DType = .float32, pool: BufferPool?) throws -> Tensor {
        if let pool, !holds(role, count: batch * sampleShape.reduce(1, *), dtype) {
            return try pool.tensor(batch: batch, sampleShape: sampleShape, dtype)
        }
        return try tensor(role, batch: batch, sampleShape: sampleShape, dtype)
    }

    private func holds(_ role: String, count: Int, _ dtype: DType) -> Bool {
        guard let existing = storage[role] else { return false }
        return existing.dtype == dtype && existing.count >= count
    }
}

extension Tensor {
    /// Leading dimension of an activation tensor.
    var batch: Int { shape.first ?? 0 }
}
