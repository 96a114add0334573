import FERCore

/// 2x2 max pooling with stride 2 (PyTorch's `F.max_pool2d(x, 2)`); with `fusedReLU`, of
/// relu(x) (`F.max_pool2d(F.relu(x), 2)`) in one pass each way instead of three
/// (PoolGeometry explains why the two are equal).
public final class MaxPoolLayer: SingleInputLayer {
    public let name: String
    let backend: Backend
    public let fusedReLU: Bool
    private let buffers: BatchBuffers
    private var argmax: Tensor?
    /// Per-sample input shape [height, width, channels].
    public private(set) var inputShape: [Int] = []

    public init(name: String, backend: Backend, fusedReLU: Bool = false) {
        self.name = name
        self.backend = backend
        self.fusedReLU = fusedReLU
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [] }
    public var kind: String { fusedReLU ? "relu+maxpool" : "maxpool" }

    private func geometry(batch: Int) -> PoolGeometry {
        PoolGeometry(batch: batch, height: inputShape[0], width: inputShape[1], channels: inputShape[2], fusedReLU: fusedReLU)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[0] >= 2, inputShape[1] >= 2 else {
            throw ModelError.shapeMismatch(layer: name, expected: "[h >= 2, w >= 2, c]", actual: inputShape)
        }
        self.inputShape = inputShape
        return [inputShape[0] / 2, inputShape[1] / 2, inputShape[2]]
    }

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let g = geometry(batch: input.batch)
        let outputShape = [g.outHeight, g.outWidth, g.channels]
        let output = try buffers.output("output", batch: g.batch, sampleShape: outputShape, pool: pool)
        let argmax = try buffers.output("argmax", batch: g.batch, sampleShape: outputShape, .int32, pool: pool)
        try backend.maxPoolForward(g, input: input, output: output, argmax: argmax)
        self.argmax = argmax
        return output
    }

    /// The window positions chosen by the last forward pass, for verification.
    public func lastArgmax() throws -> Tensor? { argmax }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        guard let argmax else { throw ModelError.backwardBeforeForward(layer: name) }
        let batch = argmax.batch
        let inputGrad = try gradients.tensor(batch: batch, sampleShape: inputShape)
        try backend.maxPoolBackward(geometry(batch: batch), outputGrad: outputGrad, argmax: argmax, inputGrad: inputGrad)
        return inputGrad
    }
}
