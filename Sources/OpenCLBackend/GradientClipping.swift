import FERCore

/// Gradient-norm clipping; Kernels/clip.cl.
extension OpenCLBackend {
    public func squaredNormAdd(gradient: Tensor, sumOfSquares: Tensor) throws {
        let op = Op.squaredNormAdd
        let g = try operand(gradient, gradient.count, op: op, "gradient")
        let total = try operand(sumOfSquares, 1, op: op, "sumOfSquares")
        try launch("squared_norm_add", file: "clip.cl", defines: ["REDUCE_WG": tuning.reduction],
                   global: [tuning.reduction], local: [tuning.reduction], [g, .int(gradient.count), total])
    }

    public func clipByNorm(gradient: Tensor, sumOfSquares: Tensor, maxNorm: Float) throws {
        let op = Op.clipByNorm
        guard maxNorm > 0 else { throw BackendError.invalidArgument(op: op.rawValue, reason: "maxNorm must be positive, got \(maxNorm)") }
        let g = try operand(gradient, gradient.count, op: op, "gradient")
        let total = try operand(sumOfSquares, 1, op: op, "sumOfSquares")
        try launch("clip_by_norm", file: "clip.cl", defines: ["REDUCE_WG": tuning.reduction],
                   global: [gradient.count], local: [tuning.elementwise], [g, .int(gradient.count), total, .float(maxNorm)])
    }
}
