import FERCore

/// [h, w, c] -> [c]: each channel's mean over the pixels (PyTorch's
/// `F.adaptive_avg_pool2d(x, 1).flatten(1)`).
public final class GlobalAvgPoolLayer: SingleInputLayer {
    public let name: String
    let backend: Backend
    private let buffers: BatchBuffers
    private var inputShape: [Int] = []
    private var lastBatch = 0

    public init(name: String, backend: Backend) {
        self.name = name
        self.backend = backend
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [] }

    private func geometry(batch: Int) -> FeatureMapGeometry {
        FeatureMapGeometry(batch: batch, height: inputShape[0], width: inputShape[1], channels: inputShape[2])
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else { throw ModelError.shapeMismatch(layer: name, expected: "[h, w, c]", actual: inputShape) }
        self.inputShape = inputShape
        return [inputShape[2]]
    }

    public func forwardFLOPs() -> Double { Double(inputShape.reduce(1, *)) }

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let output = try buffers.output("output", batch: input.batch, sampleShape: [inputShape[2]], pool: pool)
        try backend.globalAvgPoolForward(geometry(batch: input.batch), input: input, output: output)
        lastBatch = input.batch
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        guard lastBatch > 0 else { throw ModelError.backwardBeforeForward(layer: name) }
        let inputGrad = try gradients.tensor(batch: lastBatch, sampleShape: inputShape)
        try backend.globalAvgPoolBackward(geometry(batch: lastBatch), outputGrad: outputGrad, inputGrad: inputGrad)
        return inputGrad
    }
}
