import FERCore

/// Inverted dropout in training, identity in inference. The mask is a function of
/// (seed, step, layer index), recomputed in the backward pass.
public final class DropoutLayer: SingleInputLayer {
    public let name: String
    let backend: Backend
    public let rate: Float
    /// Distinguishes this layer's masks from other dropout layers' in the same step.
    let index: Int
    private let buffers: BatchBuffers
    private var sampleShape: [Int] = []
    private var lastParameters: DropoutParameters?

    public init(name: String, backend: Backend, rate: Float, index: Int) {
        self.name = name
        self.backend = backend
        self.rate = rate
        self.index = index
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        sampleShape = inputShape
        return inputShape
    }

    func parameters(count: Int, context: PassContext) -> DropoutParameters {
        DropoutParameters(count: count, rate: rate, seed: context.seed, stream: UInt64(context.step) &* 1024 &+ UInt64(index))
    }

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        guard context.mode == .training, rate > 0 else {
            lastParameters = nil
            return input
        }
        let output = try buffers.tensor("output", batch: input.batch, sampleShape: sampleShape)
        let p = parameters(count: input.count, context: context)
        try backend.dropoutForward(p, input: input, output: output)
        lastParameters = p
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        guard let p = lastParameters else { return outputGrad }
        let inputGrad = try gradients.tensor(batch: outputGrad.batch, sampleShape: sampleShape)
        try backend.dropoutBackward(p, outputGrad: outputGrad, inputGrad: inputGrad)
        return inputGrad
    }
}
