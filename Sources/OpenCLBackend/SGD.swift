import FERCore

/// SGD / Nesterov step; Kernels/sgd.cl.
extension OpenCLBackend {
    public func sgdStep(_ h: SGDHyperparameters, parameter: Tensor, gradient: Tensor, momentumBuffer: Tensor) throws {
        let op = Op.sgdStep
        try h.validate(op: op.rawValue)
        let count = parameter.count
        let p = try operand(parameter, count, op: op, "parameter")
        let g = try operand(gradient, count, op: op, "gradient")
        let buffer = try operand(momentumBuffer, count, op: op, "momentumBuffer")
        forgetPreparedWeights(of: parameter)
        try launch("sgd_step", file: "sgd.cl", global: [count], local: [tuning.elementwise],
                   [p, g, buffer, .int(count), .float(h.learningRate), .float(h.momentum), .int(h.nesterov ? 1 : 0),
                    .float(h.weightDecay), .int(h.decoupledWeightDecay ? 1 : 0)])
    }
}
