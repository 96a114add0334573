import FERCore

/// max(x, 0). Keeps its output for the backward pass (y > 0 exactly where x > 0).
public final class ReLULayer: SingleInputLayer {
    public let name: String
    let backend: Backend
    private let buffers: BatchBuffers
    /// The last forward output; verification may overwrite it to share decisions between backends.
    public private(set) var output: Tensor?

    public init(name: String, backend: Backend) {
        self.name = name
        self.backend = backend
        buffers = BatchBuffers(backend: backend)
    }

    private var sampleShape: [Int] = []
    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        sampleShape = inputShape
        return inputShape
    }

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let output = try buffers.output("output", batch: input.batch, sampleShape: sampleShape, pool: pool)
        try backend.reluForward(input: input, output: output)
        self.output = output
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        guard let output else { throw ModelError.backwardBeforeForward(layer: name) }
        let inputGrad = try gradients.tensor(batch: output.batch, sampleShape: sampleShape)
        try backend.reluBackward(output: output, outputGrad: outputGrad, inputGrad: inputGrad)
        return inputGrad
    }
}
