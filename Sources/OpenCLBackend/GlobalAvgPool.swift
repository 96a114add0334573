import FERCore

/// Global average pooling, Kernels/global_pool.cl: the forward pass is one work-item per
/// (4 channels, image) summing the image's pixels; the backward pass spreads each gradient
/// over the pixels, one work-item per (4 channels, pixel, image).
extension OpenCLBackend {
    /// The shape arguments of the per-(image, channel) kernels: N, P (pixels), C.
    func shapeArguments(_ g: FeatureMapGeometry) -> [KernelArgument] {
        [.int(g.batch), .int(g.pixels), .int(g.channels)]
    }

    public func globalAvgPoolForward(_ g: FeatureMapGeometry, input: Tensor, output: Tensor) throws {
        let op = Op.globalAvgPoolForward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.count, op: op, "input")
        let y = try operand(output, g.pooledCount, op: op, "output")
        let global = [(g.channels + 3) / 4, g.batch]
        try launch("global_avgpool_forward", file: "global_pool.cl", global: global, local: tuning.elementwiseGroup(global),
                   [x, y] + shapeArguments(g))
    }

    public func globalAvgPoolBackward(_ g: FeatureMapGeometry, outputGrad: Tensor, inputGrad: Tensor) throws {
        let op = Op.globalAvgPoolBackward
        try g.validate(op: op.rawValue)
        let dy = try operand(outputGrad, g.pooledCount, op: op, "outputGrad")
        let dx = try operand(inputGrad, g.count, op: op, "inputGrad")
        let global = [(g.channels + 3) / 4, g.pixels, g.batch]
        try launch("global_avgpool_backward", file: "global_pool.cl", global: global, local: tuning.elementwiseGroup(global),
                   [dy, dx] + shapeArguments(g))
    }
}
