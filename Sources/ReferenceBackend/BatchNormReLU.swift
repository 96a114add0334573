import FERCore

/// Batch norm (given statistics) and ReLU as one op, and its backward pass with the ReLU's
/// mask recomputed from the input (Backend.swift states the semantics).
extension ReferenceBackend {
    public func batchNormReLUForward(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor, statistics: BatchNormStatistics,
                                     output: Tensor) throws {
        let op = Op.batchNormReLUForward
        guard g.rows > 0, g.channels > 0 else { throw BackendError.invalidArgument(op: op.rawValue, reason: "empty input") }
        let x = try floats(input, g.count, op: op, "input")
        let gm = try floats(gamma, g.channels, op: op, "gamma")
        let bt = try floats(beta, g.channels, op: op, "beta")
        let y = try floats(output, g.count, op: op, "output")
        var mean = [Double](repeating: 0, count: g.channels), invStd = mean
        switch statistics {
        case let .batch(meanTensor, invStdTensor):
            let mu = try floats(meanTensor, g.channels, op: op, "mean")
            let inv = try floats(invStdTensor, g.channels, op: op, "invStd")
            for c in 0..<g.channels { mean[c] = Double(mu[c]); invStd[c] = Double(inv[c]) }
        case let .running(meanTensor, varianceTensor):
            let mu = try floats(meanTensor, g.channels, op: op, "runningMean")
            let variance = try floats(varianceTensor, g.channels, op: op, "runningVar")
            for c in 0..<g.channels { mean[c] = Double(mu[c]); invStd[c] = 1 / (Double(variance[c]) + Double(g.epsilon)).squareRoot() }
        }
        for e in 0..<g.count {
            let c = e % g.channels
            let normalized = Self.normalized(x[e], gamma: gm[c], beta: bt[c], mean: mean[c], invStd: invStd[c])
            y[e] = normalized > 0 ? normalized : 0
        }
    }

    public func batchNormReLUBackward(_ g: BatchNormGeometry, input: Tensor, outputGrad: Tensor, gamma: Tensor, beta: Tensor,
                                      mean: Tensor, invStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        let op = Op.batchNormReLUBackward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.count, op: op, "input")
        let dy = try floats(outputGrad, g.count, op: op, "outputGrad")
        let gm = try floats(gamma, g.channels, op: op, "gamma")
        let bt = try floats(beta, g.channels, op: op, "beta")
        let mu = try floats(mean, g.channels, op: op, "mean")
        let inv = try floats(invStd, g.channels, op: op, "invStd")
        let dx = try floats(inputGrad, g.count, op: op, "inputGrad")
        let dGamma = try floats(gammaGrad, g.channels, op: op, "gammaGrad")
        let dBeta = try floats(betaGrad, g.channels, op: op, "betaGrad")
        // The gradient reaching batch norm: outputGrad where the forward pass's ReLU passed its input.
        var routed = [Float](repeating: 0, count: g.count)
        for e in 0..<g.count {
            let c = e % g.channels
            let normalized = Self.normalized(x[e], gamma: gm[c], beta: bt[c], mean: Double(mu[c]), invStd: Double(inv[c]))
            routed[e] = normalized > 0 ? dy[e] : 0
        }
        routed.withUnsafeBufferPointer { routed in
            Self.batchNormBackward(g, x: x, dy: routed.baseAddress!, gamma: gm, mean: mu, invStd: inv, dx: dx, dGamma: dGamma, dBeta: dBeta)
        }
    }

    /// gamma * (x - mean) * invStd + beta rounded to float: the forward value and, recomputed,
    /// the backward pass's ReLU decision (the same arithmetic, so the same decision).
    private static func normalized(_ x: Float, gamma: Float, beta: Float, mean: Double, invStd: Double) -> Float {
        Float(Double(gamma) * (Double(x) - mean) * invStd + Double(beta))
    }
}
