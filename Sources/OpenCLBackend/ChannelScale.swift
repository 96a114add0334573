import FERCore

/// Squeeze-and-excitation's channel-wise scale, Kernels/channel_scale.cl. The backward pass
/// writes the input gradient and sums the scale gradient in one walk over each image, one
/// work-item per (4 channels, image).
extension OpenCLBackend {
    public func channelScaleForward(_ g: FeatureMapGeometry, input: Tensor, scale: Tensor, output: Tensor) throws {
        let op = Op.channelScaleForward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.count, op: op, "input")
        let s = try operand(scale, g.pooledCount, op: op, "scale")
        let y = try operand(output, g.count, op: op, "output")
        let global = [(g.channels + 3) / 4, g.pixels, g.batch]
        try launch("channel_scale_forward", file: "channel_scale.cl", global: global, local: tuning.elementwiseGroup(global),
                   [x, s, y] + shapeArguments(g))
    }

    public func channelScaleBackward(_ g: FeatureMapGeometry, input: Tensor, scale: Tensor, outputGrad: Tensor,
                                     inputGrad: Tensor, scaleGrad: Tensor) throws {
        let op = Op.channelScaleBackward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.count, op: op, "input")
        let s = try operand(scale, g.pooledCount, op: op, "scale")
        let dy = try operand(outputGrad, g.count, op: op, "outputGrad")
        let dx = try operand(inputGrad, g.count, op: op, "inputGrad")
        let ds = try operand(scaleGrad, g.pooledCount, op: op, "scaleGrad")
        let global = [(g.channels + 3) / 4, g.batch]
        try launch("channel_scale_backward", file: "channel_scale.cl", global: global, local: tuning.elementwiseGroup(global),
                   [x, s, dy, dx, ds] + shapeArguments(g))
    }
}
