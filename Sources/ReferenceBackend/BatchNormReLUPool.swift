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
        let y = try floats(output, g.outputCount, op: op, "output")
        let arg = try int32s(argmax, g.outputCount, op: op, "argmax")
        for n in 0..<g.batch {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    for c in 0..<g.channels {
                        var best = -Float.infinity, bestPosition: Int32 = 0
                        for position in 0..<4 {
                            let v = x[((n * g.height + 2 * oy + position / 2) * g.width + 2 * ox + position % 2) * g.channels + c]
                            let normalized = Float(Double(gm[c]) * (Double(v) - Double(mu[c])) * Double(inv[c]) + Double(bt[c]))
                            if normalized > best || position == 0 { best = normalized; bestPosition = Int32(position) }
                        }
                        let e = ((n * g.outHeight + oy) * g.outWidth + ox) * g.channels + c
                        y[e] = best > 0 ? best : 0
                        arg[e] = best > 0 ? bestPosition : -1
                    }
                }
            }
        }
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
        Self.batchNormBackward(BatchNormGeometry(rows: g.batchNormRows, channels: g.channels), x: x,
                               dy: try floats(routed, g.inputCount, op: op, "outputGrad"), gamma: gm, mean: mu, invStd: inv,
                               dx: dx, dGamma: dGamma, dBeta: dBeta)
    }
}
