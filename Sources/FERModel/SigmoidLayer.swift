import FERCore

/// 1 / (1 + exp(-x)). Keeps its output for the backward pass (the derivative is y (1 - y)).
public final class SigmoidLayer: SingleInputLayer {
    public let name: String
    let backend: Backend
    private let buffers: BatchBuffers
    private var sampleShape: [Int] = []
    private var output: Tensor?

    public init(name: String, backend: Backend) {
        self.name = name
        self.backend = backend
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        sampleShape = inputShape
        return inputShape
    }

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let output = try buffers.output("output", batch: input.batch, sampleShape: sampleShape, pool: pool)
        try backend.sigmoidForward(input: input, output: output)
        self.output = output
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        guard let output else { throw ModelError.backwardBeforeForward(layer: name) }
        guard needsInputGradient else { return nil }
        let inputGrad = try gradients.tensor(batch: output.batch, sampleShape: sampleShape)
        try backend.sigmoidBackward(output: output, outputGrad: outputGrad, inputGrad: inputGrad)
        return inputGrad
    }
}
