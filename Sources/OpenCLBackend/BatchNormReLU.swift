import FERCore

/// Batch norm + ReLU fused, without pooling (Kernels/batchnorm_relu.cl). Channel counts that
/// are multiples of 4 (every layer of the networks) take the float4 kernels and the chunked
/// reductions; others mask the gradient into a scratch tensor and run batch norm's backward pass.
extension OpenCLBackend {
    public func batchNormReLUForward(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor, statistics: BatchNormStatistics,
                                     output: Tensor) throws {
        let op = Op.batchNormReLUForward
        guard g.rows > 0, g.channels > 0 else { throw BackendError.invalidArgument(op: op.rawValue, reason: "empty input") }
        let x = try operand(input, g.count, op: op, "input")
        let gm = try operand(gamma, g.channels, op: op, "gamma")
        let bt = try operand(beta, g.channels, op: op, "beta")
        let y = try operand(output, g.count, op: op, "output")
        let (mean, statistic, running): (KernelArgument, KernelArgument, Bool)
        switch statistics {
        case let .batch(meanTensor, invStd):
            (mean, statistic, running) = (try operand(meanTensor, g.channels, op: op, "mean"), try operand(invStd, g.channels, op: op, "invStd"), false)
        case let .running(meanTensor, variance):
            (mean, statistic, running) = (try operand(meanTensor, g.channels, op: op, "runningMean"),
                                          try operand(variance, g.channels, op: op, "runningVar"), true)
        }
        try elementwiseLaunch("batchnorm_relu_forward", file: "batchnorm_relu.cl", g,
                              [x, gm, bt, mean, statistic, .int(running ? 1 : 0), .float(g.epsilon), y, .int(g.count), .int(g.channels)])
    }

    public func batchNormReLUBackward(_ g: BatchNormGeometry, input: Tensor, outputGrad: Tensor, gamma: Tensor, beta: Tensor,
                                      mean: Tensor, invStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        let op = Op.batchNormReLUBackward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.count, op: op, "input")
        let dy = try operand(outputGrad, g.count, op: op, "outputGrad")
        let gm = try operand(gamma, g.channels, op: op, "gamma")
        let bt = try operand(beta, g.channels, op: op, "beta")
        let mu = try operand(mean, g.channels, op: op, "mean")
        let inv = try operand(invStd, g.channels, op: op, "invStd")
        let dx = try operand(inputGrad, g.count, op: op, "inputGrad")
        let dGamma = try operand(gammaGrad, g.channels, op: op, "gammaGrad")
        let dBeta = try operand(betaGrad, g.channels, op: op, "betaGrad")
        guard g.channels % 4 == 0 else {
            let routed = KernelArgument.tensor(try scratch("batch norm output gradient", count: g.count))
            try launch("batchnorm_relu_mask", file: "batchnorm_relu.cl", global: [g.count], local: [tuning.elementwise],
                       [x, dy, gm, bt, mu, inv, routed, .int(g.count), .int(g.channels)])
            return try backward(g, x, routed, gm, mu, inv, dx, dGamma, dBeta)
        }
        let (chunks, chunkRows) = rowChunks(g.rows)
        let sumDy = KernelArgument.tensor(try scratch("batch norm partial sums", count: chunks * g.channels))
        let sumDyXhat = KernelArgument.tensor(try scratch("batch norm partial squares", count: chunks * g.channels))
        try launch("batchnorm_relu_backward_partials4", file: "batchnorm_relu.cl", global: [g.channels / 4, chunks],
                   local: [tuning.gemm.local, 1], [x, dy, gm, bt, mu, inv, .int(g.rows), .int(g.channels), .int(chunkRows), sumDy, sumDyXhat])
        try sumPartials([(sumDy, dBeta), (sumDyXhat, dGamma)], chunks: chunks, columns: g.channels)
        try launch("batchnorm_relu_backward_data4", file: "batchnorm_relu.cl", global: [g.count / 4], local: [tuning.elementwise],
                   [x, dy, gm, bt, mu, inv, dGamma, dBeta, dx, .int(g.count), .int(g.rows), .int(g.channels)])
    }
}
