import FERCore

/// 2x2 max pooling with stride 2 (PyTorch's `F.max_pool2d(x, 2)`).
public final class MaxPoolLayer: Layer {
    public let name: String
    let backend: Backend
    private struct Buffers { let output, argmax, inputGrad: Tensor }
    private var workspace: BatchWorkspace<Buffers>!
    /// Per-sample input shape [height, width, channels].
    public private(set) var inputShape: [Int] = []
    private var lastBatch: Int?

    public init(name: String, backend: Backend) {
        self.name = name
        self.backend = backend
        workspace = BatchWorkspace { [unowned self] batch in
            let g = self.geometry(batch: batch)
            return Buffers(output: try backend.makeTensor([batch, g.outHeight, g.outWidth, g.channels], .float32),
                           argmax: try backend.makeTensor([batch, g.outHeight, g.outWidth, g.channels], .int32),
                           inputGrad: try backend.makeTensor([batch] + self.inputShape, .float32))
        }
    }

    public var parameters: [Parameter] { [] }
    public var stateTensors: [StateTensor] { [] }

    private func geometry(batch: Int) -> PoolGeometry {
        PoolGeometry(batch: batch, height: inputShape[0], width: inputShape[1], channels: inputShape[2])
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[0] >= 2, inputShape[1] >= 2 else {
            throw ModelError.shapeMismatch(layer: name, expected: "[h >= 2, w >= 2, c]", actual: inputShape)
        }
        self.inputShape = inputShape
        return [inputShape[0] / 2, inputShape[1] / 2, inputShape[2]]
    }

    public func forward(_ input: Tensor, context: PassContext) throws -> Tensor {
        let buffers = try workspace.buffers(batch: input.batch)
        try backend.maxPoolForward(geometry(batch: input.batch), input: input, output: buffers.output, argmax: buffers.argmax)
        lastBatch = input.batch
        return buffers.output
    }

    /// The window positions chosen by the last forward pass, for verification.
    public func lastArgmax() throws -> Tensor? {
        guard let lastBatch else { return nil }
        return try workspace.buffers(batch: lastBatch).argmax
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, context: PassContext) throws -> Tensor? {
        guard let lastBatch else { throw ModelError.backwardBeforeForward(layer: name) }
        let buffers = try workspace.buffers(batch: lastBatch)
        try backend.maxPoolBackward(geometry(batch: lastBatch), outputGrad: outputGrad, argmax: buffers.argmax, inputGrad: buffers.inputGrad)
        return buffers.inputGrad
    }
}
