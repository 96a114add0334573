import FERCore

/// Batch norm + ReLU + max-pool fused (Kernels/batchnorm_pool.cl) for channel counts that are
/// multiples of 4; other shapes compose the unfused kernels through a scratch tensor.
extension OpenCLBackend {
    public func batchNormReLUPoolForward(_ g: PoolGeometry, input: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, invStd: Tensor,
                                         output: Tensor, argmax: Tensor) throws {
        let op = Op.batchNormReLUPoolForward
        try g.validateBatchNormFused(op: op.rawValue)
        let x = try operand(input, g.inputCount, op: op, "input")
        let gm = try operand(gamma, g.channels, op: op, "gamma")
        let bt = try operand(beta, g.channels, op: op, "beta")
        let mu = try operand(mean, g.channels, op: op, "mean")
        let inv = try operand(invStd, g.channels, op: op, "invStd")
        let y = try operand(output, g.outputCount, op: op, "output")
        let arg = try operand(argmax, g.outputCount, .int32, op: op, "argmax")
        guard g.channels % 4 == 0 else {
            let normalized = KernelArgument.tensor(try scratch("batch norm output", count: g.inputCount))
            try normalize(g.batchNorm, x, gm, bt, mu, inv, into: normalized)
            return try poolLaunch("maxpool_forward", g, [normalized, y, arg], relu: true)
        }
        let global = windowGrid(g, float4: true)
        try launch("batchnorm_relu_pool_forward4", file: "batchnorm_pool.cl", global: global, local: tuning.elementwiseGroup(global),
                   [x, gm, bt, mu, inv, y, arg] + shapeArguments(g))
    }

    public func batchNormReLUPoolBackward(_ g: PoolGeometry, input: Tensor, outputGrad: Tensor, argmax: Tensor, gamma: Tensor,
                                          mean: Tensor, invStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        let op = Op.batchNormReLUPoolBackward
        try g.validateBatchNormFused(op: op.rawValue)
        let x = try operand(input, g.inputCount, op: op, "input")
        let dy = try operand(outputGrad, g.outputCount, op: op, "outputGrad")
        let arg = try operand(argmax, g.outputCount, .int32, op: op, "argmax")
        let gm = try operand(gamma, g.channels, op: op, "gamma")
        let mu = try operand(mean, g.channels, op: op, "mean")
        let inv = try operand(invStd, g.channels, op: op, "invStd")
        let dx = try operand(inputGrad, g.inputCount, op: op, "inputGrad")
        let dGamma = try operand(gammaGrad, g.channels, op: op, "gammaGrad")
        let dBeta = try operand(betaGrad, g.channels, op: op, "betaGrad")
        guard g.channels % 4 == 0 else {
            let routed = KernelArgument.tensor(try scratch("batch norm output gradient", count: g.inputCount))
            try poolLaunch("maxpool_backward", g, [dy, arg, routed], relu: nil)
            return try backward(g.batchNorm, x, routed, gm, mu, inv, dx, dGamma, dBeta)
        }
        let (chunks, chunkRows) = rowChunks(g.batch * g.outHeight)
        let sumDy = KernelArgument.tensor(try scratch("batch norm partial sums", count: chunks * g.channels))
        let sumDyXhat = KernelArgument.tensor(try scratch("batch norm partial squares", count: chunks * g.channels))
        try launch("batchnorm_relu_pool_backward_partials4", file: "batchnorm_pool.cl", global: [g.channels / 4, chunks],
                   local: [tuning.gemm.local, 1], [x, dy, arg, mu, inv] + shapeArguments(g) + [.int(chunkRows), sumDy, sumDyXhat])
        try sumPartials([(sumDy, dBeta), (sumDyXhat, dGamma)], chunks: chunks, columns: g.channels)
        let global = windowGrid(g, float4: true)
        try launch("batchnorm_relu_pool_backward_data4", file: "batchnorm_pool.cl", global: global, local: tuning.elementwiseGroup(global),
                   [x, dy, arg, gm, mu, inv, dGamma, dBeta, dx] + shapeArguments(g))
    }
}
