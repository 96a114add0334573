import FERCore

/// Elementwise sum of its inputs (a residual join), with `fusedReLU` relu(sum) in the same
/// pass (the lowering pass fuses an add whose only reader is a ReLU). Backward: every input
/// receives the output gradient unchanged (through the ReLU's mask when fused), so the
/// returned tensors are shared between inputs and must not be written by callers.
public final class AddLayer: Layer {
    public let name: String
    let backend: Backend
    public let fusedReLU: Bool
    private let buffers: BatchBuffers
    private var sampleShape: [Int] = []
    private var inputCount = 0
    /// The last forward output (its sign is the fused ReLU's mask).
    public private(set) var output: Tensor?

    public init(name: String, backend: Backend, fusedReLU: Bool = false) {
        self.name = name
        self.backend = backend
        self.fusedReLU = fusedReLU
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [] }
    public var kind: String { fusedReLU ? "add+relu" : "add" }

    public func outputShape(forInputs inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count >= 2 else { throw ModelError.inputCount(layer: name, expected: 2, actual: inputShapes.count) }
        if let other = inputShapes.first(where: { $0 != inputShapes[0] }) {
            throw GraphError.shapeMismatch(node: name, shapes: [inputShapes[0], other], expected: "equal shapes")
        }
        sampleShape = inputShapes[0]
        inputCount = inputShapes.count
        return sampleShape
    }

    public func forward(inputs: [Tensor], pool: BufferPool?, context: PassContext) throws -> Tensor {
        let output = try buffers.output("output", batch: inputs[0].batch, sampleShape: sampleShape, pool: pool)
        // More than two inputs: accumulate in the output (add may alias its output with an operand);
        // the ReLU, if fused, only on the last sum.
        try backend.add(a: inputs[0], b: inputs[1], output: output, fusedReLU: fusedReLU && inputs.count == 2)
        for (index, input) in inputs.enumerated().dropFirst(2) {
            try backend.add(a: output, b: input, output: output, fusedReLU: fusedReLU && index == inputs.count - 1)
        }
        self.output = output
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradients: [Bool], gradients: BufferPool, context: PassContext) throws -> [Tensor?] {
        var grad = outputGrad
        if fusedReLU {
            guard let output else { throw ModelError.backwardBeforeForward(layer: name) }
            grad = try gradients.tensor(batch: output.batch, sampleShape: sampleShape)
            try backend.reluBackward(output: output, outputGrad: outputGrad, inputGrad: grad)
        }
        return needsInputGradients.map { $0 ? grad : nil }
    }
}
