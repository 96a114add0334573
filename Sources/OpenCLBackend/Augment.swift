import FERCore

/// Batch gathering and augmentation; Kernels/augment.cl, one work-item per output row.
extension OpenCLBackend {
    public func augmentBatch(_ p: AugmentParameters, images: Tensor, labels: Tensor, indices: Tensor,
                             output: Tensor, outputLabels: Tensor) throws {
        let op = Op.augmentBatch
        try p.validate(op: op.rawValue)
        let source = try operand(images, p.imageCount * p.pixelsPerImage, .uint8, op: op, "images")
        let allLabels = try operand(labels, p.imageCount, .int32, op: op, "labels")
        let index = try operand(indices, p.indexCount, .int32, op: op, "indices")
        let y = try operand(output, p.outputCount, op: op, "output")
        let batchLabels = try operand(outputLabels, p.batch, .int32, op: op, "outputLabels")
        try launch("augment_batch", file: "augment.cl", global: [p.batch * p.height], local: [tuning.elementwise],
                   [source, allLabels, index, .int(p.firstIndex), y, batchLabels, .int(p.batch), .int(p.imageCount), .int(p.height), .int(p.width),
                    .ulong(p.seed), .ulong(p.epoch), .float(p.flipProbability), .float(p.minRotation), .float(p.maxRotation),
                    .float(p.minScale), .float(p.maxScale), .float(p.maxTranslation), .int(p.cropPadding),
                    .float(p.pixelScale), .float(p.mean), .float(p.std), .float(p.erasingProbability),
                    .int(p.viewOffsetX), .int(p.viewOffsetY)])
    }
}
