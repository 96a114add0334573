import FERCore

/// Batch norm (given statistics), ReLU and 2x2 max-pool as one op: the composition of
/// `batchNormForwardTraining`'s normalisation and `maxPoolForward` with the fused ReLU, and
/// its backward pass (Backend.swift states the semantics).
extension ReferenceBackend {
    public func batchNormReLUPoolForward(_ g: PoolGeometry, input: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, invStd: Tensor,
                                         output: Tensor, argmax: Tensor) throws {
        let op = Op.batchNormReLUPoolForward
        try g.validateBatchNormFused(op: op.rawValue)
        let x = try floats(input, g.inputCount, op: op, "input")
        let gm = try floats(gamma, g.channels, op: op, "gamma")
        let bt = try floats(beta, g.channels, op: op, "beta")
        let mu = try floats(mean, g.channels, op: op, "mean")
        let inv = try floats(invStd, g.channels, op: op, "invStd")
        _ = try floats(output, g.outputCount, op: op, "output")
        _ = try int32s(argmax, g.outputCount, op: op, "argmax")
        // The normalisation of batchNormForwardTraining, then max-pool with the fused ReLU.
        let normalized = try makeTensor([g.inputCount], .float32)
        let v = try floats(normalized, g.inputCount, op: op, "input")
        for e in 0..<g.inputCount {
            let c = e % g.channels
            v[e] = Float(Double(gm[c]) * (Double(x[e]) - Double(mu[c])) * Double(inv[c]) + Double(bt[c]))
        }
        try maxPoolForward(g, input: normalized, output: output, argmax: argmax)
    }

    public func batchNormReLUPoolBackward(_ g: PoolGeometry, input: Tensor, outputGrad: Tensor, argmax: Tensor, gamma: Tensor,
                                          mean: Tensor, invStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        let op = Op.batchNormReLUPoolBackward
        try g.validateBatchNormFused(op: op.rawValue)
        let x = try floats(input, g.inputCount, op: op, "input")
        let gm = try floats(gamma, g.channels, op: op, "gamma")
        let mu = try floats(mean, g.channels, op: op, "mean")
        let inv = try floats(invStd, g.channels, op: op, "invStd")
        let dx = try floats(inputGrad, g.inputCount, op: op, "inputGrad")
        let dGamma = try floats(gammaGrad, g.channels, op: op, "gammaGrad")
        let dBeta = try floats(betaGrad, g.channels, op: op, "betaGrad")
        _ = try floats(outputGrad, g.outputCount, op: op, "outputGrad")
        _ = try int32s(argmax, g.outputCount, op: op, "argmax")
        // The gradient reaching batch norm is max-pool's backward pass of outputGrad.
        let routed = try makeTensor([g.inputCount], .float32)
        try maxPoolBackward(g, outputGrad: outputGrad, argmax: argmax, inputGrad: routed)
        Self.batchNormBackward(g.batchNorm, x: x,
                               dy: try floats(routed, g.inputCount, op: op, "outputGrad"), gamma: gm, mean: mu, invStd: inv,
                               dx: dx, dGamma: dGamma, dBeta: dBeta)
    }
}
