import FERCore

/// Batch norm; kernels in Kernels/batchnorm.cl. Training is a per-channel statistics
/// reduction followed by an elementwise normalisation; backward likewise. Channel counts that
/// are multiples of 4 (every layer of the networks) reduce in row chunks and normalise with
/// float4 loads; others use one work-group per channel and one element per work-item.
extension OpenCLBackend {
    public func batchNormForwardTraining(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor, output: Tensor?,
                                         savedMean: Tensor, savedInvStd: Tensor, runningMean: Tensor, runningVar: Tensor) throws {
        let op = Op.batchNormForwardTraining
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.count, op: op, "input")
        let gm = try operand(gamma, g.channels, op: op, "gamma")
        let bt = try operand(beta, g.channels, op: op, "beta")
        let y = try output.map { try operand($0, g.count, op: op, "output") }
        let mean = try operand(savedMean, g.channels, op: op, "savedMean")
        let invStd = try operand(savedInvStd, g.channels, op: op, "savedInvStd")
        let rMean = try operand(runningMean, g.channels, op: op, "runningMean")
        let rVar = try operand(runningVar, g.channels, op: op, "runningVar")
        if g.channels % 4 == 0 {
            // One pass over chunks of rows with contiguous loads, then the chunks combined (see batchnorm.cl).
            let (chunks, chunkRows) = rowChunks(g.rows)
            // The backward pass's partial-sum scratch, reused: here the chunks' means and M2s.
            let means = KernelArgument.tensor(try scratch("batch norm partial sums", count: chunks * g.channels))
            let m2s = KernelArgument.tensor(try scratch("batch norm partial squares", count: chunks * g.channels))
            try launch("batchnorm_moment_partials", file: "batchnorm.cl", defines: ["REDUCE_WG": tuning.reduction],
                       global: [g.channels / 4, chunks], local: [tuning.gemm.local, 1],
                       [x, .int(g.rows), .int(g.channels), .int(chunkRows), means, m2s])
            try launch("batchnorm_finish_statistics", file: "batchnorm.cl", defines: ["REDUCE_WG": tuning.reduction],
                       global: [g.channels], local: [tuning.elementwise],
                       [means, m2s, .int(chunks), .int(g.rows), .int(g.channels), .int(chunkRows), .float(g.epsilon), .float(g.momentum),
                        mean, invStd, rMean, rVar])
        } else {
            try launch("batchnorm_statistics", file: "batchnorm.cl", defines: ["REDUCE_WG": tuning.reduction],
                       global: [g.channels * tuning.reduction], local: [tuning.reduction],
                       [x, .int(g.rows), .int(g.channels), .float(g.epsilon), .float(g.momentum), mean, invStd, rMean, rVar])
        }
        if let y { try normalize(g, x, gm, bt, mean, invStd, into: y) }
    }

    func normalize(_ g: BatchNormGeometry, _ x: KernelArgument, _ gm: KernelArgument, _ bt: KernelArgument,
                   _ mean: KernelArgument, _ invStd: KernelArgument, into y: KernelArgument) throws {
        try elementwiseLaunch("batchnorm_normalize", file: "batchnorm.cl", g, defines: ["REDUCE_WG": tuning.reduction],
                              [x, gm, bt, mean, invStd, y, .int(g.count), .int(g.channels)])
    }

    /// An elementwise batch-norm kernel over the [rows, C] view: its `…4` form, four channels per
    /// work-item, where C % 4 == 0, else the one-element form of the same name without the 4.
    func elementwiseLaunch(_ kernel: String, file: String, _ g: BatchNormGeometry, defines: [String: Int] = [:],
                           _ arguments: [KernelArgument]) throws {
        let vector = g.channels % 4 == 0
        try launch(vector ? kernel + "4" : kernel, file: file, defines: defines, global: [vector ? g.count / 4 : g.count],
                   local: [tuning.elementwise], arguments)
    }

    public func batchNormForwardInference(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor,
                                          runningMean: Tensor, runningVar: Tensor, output: Tensor) throws {
        let op = Op.batchNormForwardInference
        guard g.rows > 0, g.channels > 0 else { throw BackendError.invalidArgument(op: op.rawValue, reason: "empty input") }
        let x = try operand(input, g.count, op: op, "input")
        let gm = try operand(gamma, g.channels, op: op, "gamma")
        let bt = try operand(beta, g.channels, op: op, "beta")
        let rMean = try operand(runningMean, g.channels, op: op, "runningMean")
        let rVar = try operand(runningVar, g.channels, op: op, "runningVar")
        let y = try operand(output, g.count, op: op, "output")
        let grid = [g.channels, g.rows]
        try launch("batchnorm_inference", file: "batchnorm.cl", defines: ["REDUCE_WG": tuning.reduction],
                   global: grid, local: tuning.elementwiseGroup(grid),
                   [x, gm, bt, rMean, rVar, .float(g.epsilon), y, .int(g.rows), .int(g.channels)])
    }

    public func batchNormBackward(_ g: BatchNormGeometry, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        let op = Op.batchNormBackward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.count, op: op, "input")
        let dy = try operand(outputGrad, g.count, op: op, "outputGrad")
        let gm = try operand(gamma, g.channels, op: op, "gamma")
        let mean = try operand(savedMean, g.channels, op: op, "savedMean")
        let invStd = try operand(savedInvStd, g.channels, op: op, "savedInvStd")
        let dx = try operand(inputGrad, g.count, op: op, "inputGrad")
        let dGamma = try operand(gammaGrad, g.channels, op: op, "gammaGrad")
        let dBeta = try operand(betaGrad, g.channels, op: op, "betaGrad")
        try backward(g, x, dy, gm, mean, invStd, dx, dGamma, dBeta)
    }

    func backward(_ g: BatchNormGeometry, _ x: KernelArgument, _ dy: KernelArgument, _ gm: KernelArgument, _ mean: KernelArgument,
                  _ invStd: KernelArgument, _ dx: KernelArgument, _ dGamma: KernelArgument, _ dBeta: KernelArgument) throws {
        if g.channels % 4 == 0 {
            let (chunks, chunkRows) = rowChunks(g.rows)
            let sumDy = KernelArgument.tensor(try scratch("batch norm partial sums", count: chunks * g.channels))
            let sumDyXhat = KernelArgument.tensor(try scratch("batch norm partial squares", count: chunks * g.channels))
            try launch("batchnorm_backward_partials", file: "batchnorm.cl", defines: ["REDUCE_WG": tuning.reduction],
                       global: [g.channels / 4, chunks], local: [tuning.gemm.local, 1],
                       [x, dy, mean, invStd, .int(g.rows), .int(g.channels), .int(chunkRows), sumDy, sumDyXhat])
            try sumPartials([(sumDy, dBeta), (sumDyXhat, dGamma)], chunks: chunks, columns: g.channels)
        } else {
            try launch("batchnorm_backward_reduce", file: "batchnorm.cl", defines: ["REDUCE_WG": tuning.reduction],
                       global: [g.channels * tuning.reduction], local: [tuning.reduction],
                       [x, dy, mean, invStd, .int(g.rows), .int(g.channels), dGamma, dBeta])
        }
        try elementwiseLaunch("batchnorm_backward_data", file: "batchnorm.cl", g, defines: ["REDUCE_WG": tuning.reduction],
                              [x, dy, gm, mean, invStd, dGamma, dBeta, dx, .int(g.count), .int(g.rows), .int(g.channels)])
    }

    /// total[c] = sum over chunks of partial[chunk][c], for each (partial, total) pair.
    func sumPartials(_ pairs: [(KernelArgument, KernelArgument)], chunks: Int, columns: Int) throws {
        for (partial, total) in pairs {
            try launch("sum_partials", file: "reduce.cl", global: [(columns + 3) / 4], local: [tuning.elementwise],
                       [partial, .int(chunks), .int(columns), total])
        }
    }
}
