import FERCore

/// The join of a residual block: y = a + b, or relu(a + b). The output may alias a or b
/// (Backend.swift): each element is read before it is written.
extension ReferenceBackend {
    public func add(a: Tensor, b: Tensor, output: Tensor, fusedReLU: Bool) throws {
        let op = Op.add
        let x1 = try floats(a, a.count, op: op, "a")
        let x2 = try floats(b, a.count, op: op, "b")
        let y = try floats(output, a.count, op: op, "output")
        for e in 0..<a.count {
            let sum = Float(Double(x1[e]) + Double(x2[e]))
            y[e] = fusedReLU && !(sum > 0) ? 0 : sum
        }
    }
}
