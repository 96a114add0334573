import FERCore

/// The exponential moving average of weights (`Backend.emaUpdate`).
extension ReferenceBackend {
    public func emaUpdate(decay: Float, average: Tensor, value: Tensor) throws {
        let op = Op.emaUpdate
        guard (0..<1).contains(decay) else { throw BackendError.invalidArgument(op: op.rawValue, reason: "decay \(decay) outside [0, 1)") }
        let a = try floats(average, average.count, op: op, "average")
        let v = try floats(value, average.count, op: op, "value")
        for e in 0..<average.count { a[e] = decay == 0 ? v[e] : decay * a[e] + (1 - decay) * v[e] }
    }
}
