import FERCore

/// Mixup / CutMix of a batch with its mirrored order, Kernels/mix.cl, one work-item per pixel.
extension OpenCLBackend {
    public func mixBatch(_ g: MixGeometry, input: Tensor, output: Tensor) throws {
        let op = Op.mixBatch
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.count, op: op, "input")
        let y = try operand(output, g.count, op: op, "output")
        try launch("mix_batch", file: "mix.cl", global: [g.count], local: [tuning.elementwise],
                   [x, y, .int(g.batch), .int(g.height), .int(g.width), .float(g.lambda), .int(g.mode == .cutmix ? 1 : 0),
                    .int(g.top), .int(g.left), .int(g.boxHeight), .int(g.boxWidth)])
    }
}
