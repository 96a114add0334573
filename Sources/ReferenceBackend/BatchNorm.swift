import FERCore

/// Batch norm over the last axis of a [rows, channels] view (NHWC images: rows = n*h*w).
///   training: mean_c, var_c over rows (biased); y = gamma_c * (x - mean_c) / sqrt(var_c + eps) + beta_c
///   inference: the same with the running statistics
///   backward, with xhat = (x - mean) * invStd and M = rows:
///     dbeta = sum dy, dgamma = sum dy * xhat, dx = gamma * invStd / M * (M * dy - dbeta - xhat * dgamma)
extension ReferenceBackend {
    public func batchNormForwardTraining(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor, output: Tensor?,
                                         savedMean: Tensor, savedInvStd: Tensor, runningMean: Tensor, runningVar: Tensor) throws {
        let op = Op.batchNormForwardTraining
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.count, op: op, "input")
        let gm = try floats(gamma, g.channels, op: op, "gamma")
        let bt = try floats(beta, g.channels, op: op, "beta")
        let y = try output.map { try floats($0, g.count, op: op, "output") }
        let mean = try floats(savedMean, g.channels, op: op, "savedMean")
        let invStd = try floats(savedInvStd, g.channels, op: op, "savedInvStd")
        let rMean = try floats(runningMean, g.channels, op: op, "runningMean")
        let rVar = try floats(runningVar, g.channels, op: op, "runningVar")
        let m = Double(g.rows)
        for c in 0..<g.channels {
            var sum = 0.0
            for r in 0..<g.rows { sum += Double(x[r * g.channels + c]) }
            let mu = sum / m
            var squares = 0.0
            for r in 0..<g.rows {
                let d = Double(x[r * g.channels + c]) - mu
                squares += d * d
            }
            let variance = squares / m
            let inv = 1 / (variance + Double(g.epsilon)).squareRoot()
            for r in 0..<g.rows where y != nil {
                let e = r * g.channels + c
                y?[e] = Float(Double(gm[c]) * (Double(x[e]) - mu) * inv + Double(bt[c]))
            }
            mean[c] = Float(mu)
            invStd[c] = Float(inv)
            let momentum = Double(g.momentum)
            rMean[c] = Float((1 - momentum) * Double(rMean[c]) + momentum * mu)
            rVar[c] = Float((1 - momentum) * Double(rVar[c]) + momentum * squares / (m - 1))
        }
    }

    public func batchNormForwardInference(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor,
                                          runningMean: Tensor, runningVar: Tensor, output: Tensor) throws {
        let op = Op.batchNormForwardInference
        guard g.rows > 0, g.channels > 0 else { throw BackendError.invalidArgument(op: op.rawValue, reason: "empty input") }
        let x = try floats(input, g.count, op: op, "input")
        let gm = try floats(gamma, g.channels, op: op, "gamma")
        let bt = try floats(beta, g.channels, op: op, "beta")
        let rMean = try floats(runningMean, g.channels, op: op, "runningMean")
        let rVar = try floats(runningVar, g.channels, op: op, "runningVar")
        let y = try floats(output, g.count, op: op, "output")
        for c in 0..<g.channels {
            let inv = 1 / (Double(rVar[c]) + Double(g.epsilon)).squareRoot()
            for r in 0..<g.rows {
                let e = r * g.channels + c
                y[e] = Float(Double(gm[c]) * (Double(x[e]) - Double(rMean[c])) * inv + Double(bt[c]))
            }
        }
    }

    public func batchNormBackward(_ g: BatchNormGeometry, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws {
        let op = Op.batchNormBackward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.count, op: op, "input")
        let dy = try floats(outputGrad, g.count, op: op, "outputGrad")
        let gm = try floats(gamma, g.channels, op: op, "gamma")
        let mean = try floats(savedMean, g.channels, op: op, "savedMean")
        let invStd = try floats(savedInvStd, g.channels, op: op, "savedInvStd")
        let dx = try floats(inputGrad, g.count, op: op, "inputGrad")
        let dGamma = try floats(gammaGrad, g.channels, op: op, "gammaGrad")
        let dBeta = try floats(betaGrad, g.channels, op: op, "betaGrad")
        Self.batchNormBackward(g, x: x, dy: dy, gamma: gm, mean: mean, invStd: invStd, dx: dx, dGamma: dGamma, dBeta: dBeta)
    }

    /// The arithmetic of `batchNormBackward`, shared with the fused op.
    static func batchNormBackward(_ g: BatchNormGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, gamma gm: UnsafePointer<Float>,
                                  mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                  dx: UnsafeMutablePointer<Float>, dGamma: UnsafeMutablePointer<Float>, dBeta: UnsafeMutablePointer<Float>) {
        let m = Double(g.rows)
        for c in 0..<g.channels {
            let mu = Double(mean[c]), inv = Double(invStd[c])
            var sumDy = 0.0, sumDyXhat = 0.0
            for r in 0..<g.rows {
                let e = r * g.channels + c
                sumDy += Double(dy[e])
                sumDyXhat += Double(dy[e]) * (Double(x[e]) - mu) * inv
            }
            let k = Double(gm[c]) * inv / m
            for r in 0..<g.rows {
                let e = r * g.channels + c
                let xhat = (Double(x[e]) - mu) * inv
                dx[e] = Float(k * (m * Double(dy[e]) - sumDy - xhat * sumDyXhat))
            }
            dBeta[c] = Float(sumDy)
            dGamma[c] = Float(sumDyXhat)
        }
    }
}
