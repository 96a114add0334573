import FERCore

/// 2x2 max pooling; kernels in Kernels/pool.cl. Channel counts that are multiples of 4 (every
/// layer of the networks) take the float4 kernels.
extension OpenCLBackend {
    /// The pool kernels' shape arguments: N, H, W, C, OH, OW.
    func shapeArguments(_ g: PoolGeometry) -> [KernelArgument] {
        [g.batch, g.height, g.width, g.channels, g.outHeight, g.outWidth].map { .int($0) }
    }

    /// Work-items of the window kernels: (channel, or group of 4 with float4, output column, n * OH + oy).
    func windowGrid(_ g: PoolGeometry, float4: Bool) -> [Int] {
        [float4 ? g.channels / 4 : g.channels, g.outWidth, g.batch * g.outHeight]
    }

    func poolLaunch(_ name: String, _ g: PoolGeometry, _ tensors: [KernelArgument], relu: Bool?) throws {
        let vector = g.channels % 4 == 0
        let global = windowGrid(g, float4: vector)
        try launch(vector ? name + "4" : name, file: "pool.cl", global: global, local: tuning.elementwiseGroup(global),
                   tensors + shapeArguments(g) + (relu.map { [.int($0 ? 1 : 0)] } ?? []))
    }

    public func maxPoolForward(_ g: PoolGeometry, input: Tensor, output: Tensor, argmax: Tensor) throws {
        let op = Op.maxPoolForward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.inputCount, op: op, "input")
        let y = try operand(output, g.outputCount, op: op, "output")
        let arg = try operand(argmax, g.outputCount, .int32, op: op, "argmax")
        try poolLaunch("maxpool_forward", g, [x, y, arg], relu: g.fusedReLU)
    }

    public func maxPoolBackward(_ g: PoolGeometry, outputGrad: Tensor, argmax: Tensor, inputGrad: Tensor) throws {
        let op = Op.maxPoolBackward
        try g.validate(op: op.rawValue)
        let dy = try operand(outputGrad, g.outputCount, op: op, "outputGrad")
        let arg = try operand(argmax, g.outputCount, .int32, op: op, "argmax")
        let dx = try operand(inputGrad, g.inputCount, op: op, "inputGrad")
        try poolLaunch("maxpool_backward", g, [dy, arg, dx], relu: nil)
    }
}
