import FERCore

/// The exponential moving average of weights; Kernels/ema.cl.
extension OpenCLBackend {
    public func emaUpdate(decay: Float, average: Tensor, value: Tensor) throws {
        let op = Op.emaUpdate
        guard (0..<1).contains(decay) else { throw BackendError.invalidArgument(op: op.rawValue, reason: "decay \(decay) outside [0, 1)") }
        let a = try operand(average, average.count, op: op, "average")
        let v = try operand(value, average.count, op: op, "value")
        forgetPreparedWeights(of: average)
        try launch("ema_update", file: "ema.cl", global: [average.count], local: [tuning.elementwise], [a, v, .int(average.count), .float(decay)])
    }
}
