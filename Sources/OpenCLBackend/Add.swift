import FERCore

/// The residual join y = a + b (relu(a + b) fused), Kernels/add.cl. The output may alias a or
/// b (gradient fan-in accumulates in place; see Backend.swift).
extension OpenCLBackend {
    public func add(a: Tensor, b: Tensor, output: Tensor, fusedReLU: Bool) throws {
        let op = Op.add
        let x1 = try operand(a, a.count, op: op, "a")
        let x2 = try operand(b, a.count, op: op, "b")
        let y = try operand(output, a.count, op: op, "output")
        try vectorElementwiseLaunch("add", file: "add.cl", count: a.count, [x1, x2, y, .int(a.count), .int(fusedReLU ? 1 : 0)])
    }
}
