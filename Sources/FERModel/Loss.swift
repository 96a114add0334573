import FERCore

/// Softmax cross-entropy with its per-batch output tensors. `loss` [1] and `correct` [1]
/// stay on the device: the training loop reads them only now and then, so it gives each
/// step not yet read its own `slot`.
public final class SoftmaxCrossEntropyLoss {
    let backend: Backend
    public let classes: Int
    public let classWeights: Tensor?
    /// torch's label_smoothing (0: plain cross-entropy).
    public let labelSmoothing: Float
    public struct Outputs {
        public let loss, logitsGrad, correct: Tensor
        /// Which pair of loss and correct tensors this step wrote.
        public let slot: Int
    }
    private let buffers: BatchBuffers

    public init(backend: Backend, classes: Int, classWeights: [Float]? = nil, labelSmoothing: Float = 0) throws {
        self.backend = backend
        self.classes = classes
        self.labelSmoothing = labelSmoothing
        self.classWeights = try classWeights.map { try backend.tensor($0, [classes]) }
        buffers = BatchBuffers(backend: backend)
    }

    /// `mixWeight` < 1: a mixed batch (see `MixGeometry`), λ on each row's label, 1 - λ on its partner's.
    public func callAsFunction(logits: Tensor, labels: Tensor, slot: Int = 0, mixWeight: Float = 1) throws -> Outputs {
        let outputs = Outputs(loss: try buffers.tensor("loss\(slot)", batch: 1, sampleShape: []),
                              logitsGrad: try buffers.tensor("logitsGrad", batch: logits.batch, sampleShape: [classes]),
                              correct: try buffers.tensor("correct\(slot)", batch: 1, sampleShape: [], .int32), slot: slot)
        try backend.softmaxCrossEntropy(SoftmaxCrossEntropyGeometry(batch: logits.batch, classes: classes, labelSmoothing: labelSmoothing,
                                                                              mixWeight: mixWeight),
                                        logits: logits, labels: labels, classWeights: classWeights,
                                        loss: outputs.loss, logitsGrad: outputs.logitsGrad, correct: outputs.correct)
        return outputs
    }
}
