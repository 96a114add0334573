import FERCore

/// BatchNorm2d / BatchNorm1d over the channel (last) axis: parameters `NAME.weight` (gamma)
/// and `NAME.bias` (beta); state `NAME.running_mean`, `NAME.running_var` and
/// `NAME.num_batches_tracked` (counted on the host: it only matters to PyTorch when momentum is None).
///
/// With `fusedReLUPool` the layer is batch norm, ReLU and 2x2 max-pool (PyTorch:
/// `F.max_pool2d(F.relu(bn(x)), 2)`), trained with the fused ops: the statistics, then one
/// pass that normalises, rectifies and pools, and one backward pass from the pooled gradient,
/// so neither the normalised activations nor their gradient are ever stored. With `fusedReLU`
/// the layer is batch norm and ReLU (`F.relu(bn(x))`, a residual block's conv -> bn -> relu)
/// in the same way, without the pool.
public final class BatchNormLayer: SingleInputLayer {
    public let name: String
    let backend: Backend
    public let channels: Int
    public let fusedReLUPool: Bool
    public let fusedReLU: Bool
    public let epsilon: Float
    public let momentum: Float
    public let gamma: Parameter
    public let beta: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    public var batchesTracked: Int64 = 0
    /// Whether an inference pass may normalise its input tensor in place. The network sets it
    /// from the graph: true only where this layer is the sole reader of a value that is not
    /// the network's input.
    public var mayOverwriteInput = false
    private let buffers: BatchBuffers
    private var sampleShape: [Int] = []
    private var rowsPerSample = 1
    private var savedInput: Tensor?
    /// The last training pass's batch statistics (verification reads them).
    public let savedMean: Tensor
    public let savedInvStd: Tensor
    /// The fused pool's window choices of the last forward pass.
    public private(set) var lastArgmax: Tensor?

    public init(name: String, backend: Backend, channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1,
                fusedReLUPool: Bool = false, fusedReLU: Bool = false) throws {
        self.name = name
        self.backend = backend
        self.fusedReLUPool = fusedReLUPool
        self.fusedReLU = fusedReLU && !fusedReLUPool
        self.channels = channels; self.epsilon = epsilon; self.momentum = momentum
        gamma = try Parameter(name: "\(name).weight", layout: .vector(channels), backend: backend)
        beta = try Parameter(name: "\(name).bias", layout: .vector(channels), backend: backend)
        runningMean = try backend.makeTensor([channels], .float32)
        runningVar = try backend.makeTensor([channels], .float32)
        savedMean = try backend.makeTensor([channels], .float32)
        savedInvStd = try backend.makeTensor([channels], .float32)
        try backend.upload([Float](repeating: 1, count: channels), to: gamma.value)
        try backend.upload([Float](repeating: 1, count: channels), to: runningVar)
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [gamma, beta] }
    public var stateTensors: [StateTensor] {
        [StateTensor(name: "\(name).running_mean", value: runningMean, pytorchShape: [channels]),
         StateTensor(name: "\(name).running_var", value: runningVar, pytorchShape: [channels])]
    }
    public var kind: String { fusedReLUPool ? "batchnorm+relu+maxpool" : fusedReLU ? "batchnorm+relu" : "batchnorm" }
    public var counters: [String: Int64] { ["\(name).num_batches_tracked": batchesTracked] }
    public func restoreCounter(_ name: String, _ value: Int64) {
        if name == "\(self.name).num_batches_tracked" { batchesTracked = value }
    }

    private func geometry(batch: Int) -> BatchNormGeometry {
        BatchNormGeometry(rows: batch * rowsPerSample, channels: channels, epsilon: epsilon, momentum: momentum)
    }

    private func poolGeometry(batch: Int) -> PoolGeometry {
        PoolGeometry(batch: batch, height: sampleShape[0], width: sampleShape[1], channels: channels, fusedReLU: true)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.last == channels, !fusedReLUPool || (inputShape.count == 3 && inputShape[0] >= 2 && inputShape[1] >= 2) else {
            throw ModelError.shapeMismatch(layer: name, expected: fusedReLUPool ? "[h >= 2, w >= 2, \(channels)]" : "[..., \(channels)]",
                                           actual: inputShape)
        }
        rowsPerSample = inputShape.dropLast().reduce(1, *)
        sampleShape = inputShape
        return fusedReLUPool ? [inputShape[0] / 2, inputShape[1] / 2, channels] : inputShape
    }

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        savedInput = input
        if fusedReLUPool { return try forwardFused(input, pool: pool, context: context) }
        return fusedReLU ? try forwardReLU(input, pool: pool, context: context) : try forwardPlain(input, pool: pool, context: context)
    }

    private func forwardFused(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let window = poolGeometry(batch: input.batch)
        let pooledShape = [window.outHeight, window.outWidth, channels]
        let output = try buffers.output("output", batch: input.batch, sampleShape: pooledShape, pool: pool)
        let argmax = try buffers.output("argmax", batch: input.batch, sampleShape: pooledShape, .int32, pool: pool)
        lastArgmax = argmax
        switch context.mode {
        case .training:
            try backend.batchNormForwardTraining(geometry(batch: input.batch), input: input, gamma: gamma.value, beta: beta.value, output: nil,
                                                 savedMean: savedMean, savedInvStd: savedInvStd,
                                                 runningMean: runningMean, runningVar: runningVar)
            batchesTracked += 1
            try backend.batchNormReLUPoolForward(window, input: input, gamma: gamma.value, beta: beta.value, mean: savedMean, invStd: savedInvStd,
                                                 output: output, argmax: argmax)
        case .inference:
            // Evaluation only: normalise with the running statistics, then the ReLU-pool. In
            // place over the input where the graph says this layer is its only reader (no backward
            // pass follows an inference pass); a buffer of its own would hold as much as every conv
            // output (71 MB for the seed network at batch 64). Both backends' normalisation is
            // elementwise, so aliasing is safe.
            let normalized = mayOverwriteInput ? input : try buffers.output("normalized", batch: input.batch, sampleShape: sampleShape, pool: pool)
            try backend.batchNormForwardInference(geometry(batch: input.batch), input: input, gamma: gamma.value, beta: beta.value,
                                                  runningMean: runningMean, runningVar: runningVar, output: normalized)
            try backend.maxPoolForward(window, input: normalized, output: output, argmax: argmax)
        }
        return output
    }

    private func forwardReLU(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let output = try buffers.output("output", batch: input.batch, sampleShape: sampleShape, pool: pool)
        let g = geometry(batch: input.batch)
        let statistics: BatchNormStatistics
        switch context.mode {
        case .training:
            try backend.batchNormForwardTraining(g, input: input, gamma: gamma.value, beta: beta.value, output: nil,
                                                 savedMean: savedMean, savedInvStd: savedInvStd,
                                                 runningMean: runningMean, runningVar: runningVar)
            batchesTracked += 1
            statistics = .batch(mean: savedMean, invStd: savedInvStd)
        case .inference:
            statistics = .running(mean: runningMean, variance: runningVar)
        }
        try backend.batchNormReLUForward(g, input: input, gamma: gamma.value, beta: beta.value, statistics: statistics, output: output)
        return output
    }

    private func forwardPlain(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let output = try buffers.output("output", batch: input.batch, sampleShape: sampleShape, pool: pool)
        let g = geometry(batch: input.batch)
        switch context.mode {
        case .training:
            try backend.batchNormForwardTraining(g, input: input, gamma: gamma.value, beta: beta.value, output: output,
                                                 savedMean: savedMean, savedInvStd: savedInvStd,
                                                 runningMean: runningMean, runningVar: runningVar)
            batchesTracked += 1
        case .inference:
            try backend.batchNormForwardInference(g, input: input, gamma: gamma.value, beta: beta.value,
                                                  runningMean: runningMean, runningVar: runningVar, output: output)
        }
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        guard let input = savedInput else { throw ModelError.backwardBeforeForward(layer: name) }
        let inputGrad = try gradients.tensor(batch: input.batch, sampleShape: sampleShape)
        if fusedReLUPool {
            guard let argmax = lastArgmax else { throw ModelError.backwardBeforeForward(layer: name) }
            try backend.batchNormReLUPoolBackward(poolGeometry(batch: input.batch), input: input, outputGrad: outputGrad, argmax: argmax,
                                                  gamma: gamma.value, mean: savedMean, invStd: savedInvStd, inputGrad: inputGrad,
                                                  gammaGrad: gamma.gradient, betaGrad: beta.gradient)
            return inputGrad
        }
        if fusedReLU {
            try backend.batchNormReLUBackward(geometry(batch: input.batch), input: input, outputGrad: outputGrad, gamma: gamma.value,
                                              beta: beta.value, mean: savedMean, invStd: savedInvStd, inputGrad: inputGrad,
                                              gammaGrad: gamma.gradient, betaGrad: beta.gradient)
            return inputGrad
        }
        try backend.batchNormBackward(geometry(batch: input.batch), input: input, outputGrad: outputGrad, gamma: gamma.value,
                                      savedMean: savedMean, savedInvStd: savedInvStd, inputGrad: inputGrad,
                                      gammaGrad: gamma.gradient, betaGrad: beta.gradient)
        return inputGrad
    }
}
