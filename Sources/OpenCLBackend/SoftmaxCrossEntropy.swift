import FERCore

/// Softmax cross-entropy; Kernels/softmax_xent.cl, one work-group for the whole batch.
extension OpenCLBackend {
    public func softmaxCrossEntropy(_ g: SoftmaxCrossEntropyGeometry, logits: Tensor, labels: Tensor, classWeights: Tensor?,
                                    loss: Tensor, logitsGrad: Tensor, correct: Tensor) throws {
        let op = Op.softmaxCrossEntropy
        try g.validate(op: op.rawValue)
        let z = try operand(logits, g.batch * g.classes, op: op, "logits")
        let y = try operand(labels, g.batch, .int32, op: op, "labels")
        let w = try classWeights.map { try operand($0, g.classes, op: op, "classWeights") } ?? z
        let l = try operand(loss, 1, op: op, "loss")
        let dz = try operand(logitsGrad, g.batch * g.classes, op: op, "logitsGrad")
        let hits = try operand(correct, 1, .int32, op: op, "correct")
        try launch("softmax_cross_entropy", file: "softmax_xent.cl",
                   defines: ["REDUCE_WG": tuning.reduction, "HAS_WEIGHTS": classWeights == nil ? 0 : 1],
                   global: [tuning.reduction], local: [tuning.reduction],
                   [z, y, w, .int(g.batch), .int(g.classes), .float(g.labelSmoothing), .float(g.mixWeight), l, dz, hits])
    }
}
