import FERCore

/// 2x2 max pooling; kernels in Kernels/pool.cl.
extension OpenCLBackend {
    private func shapeArguments(_ g: PoolGeometry) -> [KernelArgument] {
        [g.batch, g.height, g.width, g.channels, g.outHeight, g.outWidth].map { .int($0) }
    }

    public func maxPoolForward(_ g: PoolGeometry, input: Tensor, output: Tensor, argmax: Tensor) throws {
        let op = Op.maxPoolForward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.inputCount, op: op, "input")
        let y = try operand(output, g.outputCount, op: op, "output")
        let arg = try operand(argmax, g.outputCount, .int32, op: op, "argmax")
        try launch("maxpool_forward", file: "pool.cl", global: [g.outputCount], local: [tuning.elementwise],
                   [x, y, arg] + shapeArguments(g))
    }

    public func maxPoolBackward(_ g: PoolGeometry, outputGrad: Tensor, argmax: Tensor, inputGrad: Tensor) throws {
        let op = Op.maxPoolBackward
        try g.validate(op: op.rawValue)
        let dy = try operand(outputGrad, g.outputCount, op: op, "outputGrad")
        let arg = try operand(argmax, g.outputCount, .int32, op: op, "argmax")
        let dx = try operand(inputGrad, g.inputCount, op: op, "inputGrad")
        try launch("maxpool_backward", file: "pool.cl", global: [g.outputCount], local: [tuning.elementwise],
                   [dy, arg, dx] + shapeArguments(g))
    }
}
