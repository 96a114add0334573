import FERCore

/// max(x, 0). Keeps its output for the backward pass (y > 0 exactly where x > 0).
public final class ReLULayer: Layer {
    public let name: String
    let backend: Backend
    private struct Buffers { let output, inputGrad: Tensor }
    private var workspace: BatchWorkspace<Buffers>!
    /// The last forward output; verification may overwrite it to share decisions between backends.
    public private(set) var output: Tensor?

    public init(name: String, backend: Backend) {
        self.name = name
        self.backend = backend
        workspace = BatchWorkspace { [unowned self] batch in
            let shape = [batch] + self.sampleShape
            return Buffers(output: try backend.makeTensor(shape, .float32), inputGrad: try backend.makeTensor(shape, .float32))
        }
    }

    private var sampleShape: [Int] = []
    public var parameters: [Parameter] { [] }
    public var stateTensors: [StateTensor] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        sampleShape = inputShape
        return inputShape
    }

    public func forward(_ input: Tensor, context: PassContext) throws -> Tensor {
        let buffers = try workspace.buffers(batch: input.batch)
        try backend.reluForward(input: input, output: buffers.output)
        output = buffers.output
        return buffers.output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, context: PassContext) throws -> Tensor? {
        guard let output else { throw ModelError.backwardBeforeForward(layer: name) }
        let buffers = try workspace.buffers(batch: output.batch)
        try backend.reluBackward(output: output, outputGrad: outputGrad, inputGrad: buffers.inputGrad)
        return buffers.inputGrad
    }
}
