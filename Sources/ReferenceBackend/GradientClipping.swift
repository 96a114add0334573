import FERCore

/// Gradient-norm clipping in torch.nn.utils.clip_grad_norm_'s arithmetic (norm type 2):
/// total = sqrt(sum over every gradient of g^2), g *= min(1, maxNorm / (total + 1e-6)).
extension ReferenceBackend {
    public func squaredNormAdd(gradient: Tensor, sumOfSquares: Tensor) throws {
        let op = Op.squaredNormAdd
        let g = try floats(gradient, gradient.count, op: op, "gradient")
        let total = try floats(sumOfSquares, 1, op: op, "sumOfSquares")
        var sum = 0.0
        for e in 0..<gradient.count { sum += Double(g[e]) * Double(g[e]) }
        total[0] = Float(Double(total[0]) + sum)
    }

    public func clipByNorm(gradient: Tensor, sumOfSquares: Tensor, maxNorm: Float) throws {
        let op = Op.clipByNorm
        guard maxNorm > 0 else { throw BackendError.invalidArgument(op: op.rawValue, reason: "maxNorm must be positive, got \(maxNorm)") }
        let g = try floats(gradient, gradient.count, op: op, "gradient")
        let total = try floats(sumOfSquares, 1, op: op, "sumOfSquares")
        let factor = min(1, Double(maxNorm) / (Double(total[0]).squareRoot() + 1e-6))
        for e in 0..<gradient.count { g[e] = Float(Double(g[e]) * factor) }
    }
}
