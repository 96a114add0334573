import FERCore

/// Squeeze-and-excitation's rescaling: inputs x [h, w, c] and s [c], output x * s per
/// channel (PyTorch's `x * s[:, :, None, None]`).
public final class ChannelScaleLayer: Layer {
    public let name: String
    let backend: Backend
    private let buffers: BatchBuffers
    private var featureShape: [Int] = []
    private var saved: (input: Tensor, scale: Tensor)?

    public init(name: String, backend: Backend) {
        self.name = name
        self.backend = backend
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [] }

    private func geometry(batch: Int) -> FeatureMapGeometry {
        FeatureMapGeometry(batch: batch, height: featureShape[0], width: featureShape[1], channels: featureShape[2])
    }

    public func outputShape(forInputs inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 2 else { throw ModelError.inputCount(layer: name, expected: 2, actual: inputShapes.count) }
        guard inputShapes[0].count == 3, inputShapes[1] == [inputShapes[0][2]] else {
            throw GraphError.shapeMismatch(node: name, shapes: inputShapes, expected: "[h, w, c] and [c] (the features and their per-channel scale)")
        }
        featureShape = inputShapes[0]
        return featureShape
    }

    public func forwardFLOPs() -> Double { Double(featureShape.reduce(1, *)) }

    public func forward(inputs: [Tensor], pool: BufferPool?, context: PassContext) throws -> Tensor {
        let output = try buffers.output("output", batch: inputs[0].batch, sampleShape: featureShape, pool: pool)
        try backend.channelScaleForward(geometry(batch: inputs[0].batch), input: inputs[0], scale: inputs[1], output: output)
        saved = (inputs[0], inputs[1])
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradients: [Bool], gradients: BufferPool, context: PassContext) throws -> [Tensor?] {
        guard let saved else { throw ModelError.backwardBeforeForward(layer: name) }
        let batch = saved.input.batch
        let inputGrad = try gradients.tensor(batch: batch, sampleShape: featureShape)
        let scaleGrad = try gradients.tensor(batch: batch, sampleShape: [featureShape[2]])
        try backend.channelScaleBackward(geometry(batch: batch), input: saved.input, scale: saved.scale, outputGrad: outputGrad,
                                         inputGrad: inputGrad, scaleGrad: scaleGrad)
        return [needsInputGradients[0] ? inputGrad : nil, needsInputGradients[1] ? scaleGrad : nil]
    }
}
