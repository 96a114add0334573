import FERCore

/// Inverted dropout in training, identity in inference. The mask is a function of
/// (seed, step, layer index), recomputed in the backward pass.
public final class DropoutLayer: Layer {
    public let name: String
    let backend: Backend
    public let rate: Float
    /// Distinguishes this layer's masks from other dropout layers' in the same step.
    let index: Int
    private struct Buffers { let output, inputGrad: Tensor }
    private var workspace: BatchWorkspace<Buffers>!
    private var sampleShape: [Int] = []
    private var lastParameters: DropoutParameters?

    public init(name: String, backend: Backend, rate: Float, index: Int) {
        self.name = name
        self.backend = backend
        self.rate = rate
        self.index = index
        workspace = BatchWorkspace { [unowned self] batch in
            let shape = [batch] + self.sampleShape
            return Buffers(output: try backend.makeTensor(shape, .float32), inputGrad: try backend.makeTensor(shape, .float32))
        }
    }

    public var parameters: [Parameter] { [] }
    public var stateTensors: [StateTensor] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        sampleShape = inputShape
        return inputShape
    }

    func parameters(count: Int, context: PassContext) -> DropoutParameters {
        DropoutParameters(count: count, rate: rate, seed: context.seed, stream: UInt64(context.step) &* 1024 &+ UInt64(index))
    }

    public func forward(_ input: Tensor, context: PassContext) throws -> Tensor {
        guard context.mode == .training, rate > 0 else {
            lastParameters = nil
            return input
        }
        let buffers = try workspace.buffers(batch: input.batch)
        let p = parameters(count: input.count, context: context)
        try backend.dropoutForward(p, input: input, output: buffers.output)
        lastParameters = p
        return buffers.output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, context: PassContext) throws -> Tensor? {
        guard let p = lastParameters else { return outputGrad }
        let buffers = try workspace.buffers(batch: outputGrad.batch)
        try backend.dropoutBackward(p, outputGrad: outputGrad, inputGrad: buffers.inputGrad)
        return buffers.inputGrad
    }
}
