import FERCore

/// BatchNorm2d / BatchNorm1d over the channel (last) axis: parameters `NAME.weight` (gamma)
/// and `NAME.bias` (beta); state `NAME.running_mean`, `NAME.running_var` and
/// `NAME.num_batches_tracked` (counted on the host: it only matters to PyTorch when momentum is None).
public final class BatchNormLayer: Layer {
    public let name: String
    let backend: Backend
    public let channels: Int
    public let epsilon: Float
    public let momentum: Float
    public let gamma: Parameter
    public let beta: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    public var batchesTracked: Int64 = 0
    private let buffers: BatchBuffers
    private var sampleShape: [Int] = []
    private var rowsPerSample = 1
    private var savedInput: Tensor?
    private let savedMean: Tensor
    private let savedInvStd: Tensor

    public init(name: String, backend: Backend, channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) throws {
        self.name = name
        self.backend = backend
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

    private func geometry(batch: Int) -> BatchNormGeometry {
        BatchNormGeometry(rows: batch * rowsPerSample, channels: channels, epsilon: epsilon, momentum: momentum)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.last == channels else {
            throw ModelError.shapeMismatch(layer: name, expected: "[..., \(channels)]", actual: inputShape)
        }
        rowsPerSample = inputShape.dropLast().reduce(1, *)
        sampleShape = inputShape
        return inputShape
    }

    public func forward(_ input: Tensor, context: PassContext) throws -> Tensor {
        let output = try buffers.tensor("output", batch: input.batch, sampleShape: sampleShape)
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
        savedInput = input
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, context: PassContext) throws -> Tensor? {
        guard let input = savedInput else { throw ModelError.backwardBeforeForward(layer: name) }
        let inputGrad = try buffers.tensor("inputGrad", batch: input.batch, sampleShape: sampleShape)
        try backend.batchNormBackward(geometry(batch: input.batch), input: input, outputGrad: outputGrad, gamma: gamma.value,
                                      savedMean: savedMean, savedInvStd: savedInvStd, inputGrad: inputGrad,
                                      gammaGrad: gamma.gradient, betaGrad: beta.gradient)
        return inputGrad
    }
}
