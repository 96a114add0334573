import FERCore

/// Adam / AdamW step; Kernels/adam.cl.
extension OpenCLBackend {
    public func adamStep(_ h: AdamHyperparameters, parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor) throws {
        let op = Op.adamStep
        try h.validate(op: op.rawValue)
        let count = parameter.count
        let p = try operand(parameter, count, op: op, "parameter")
        let g = try operand(gradient, count, op: op, "gradient")
        let m = try operand(firstMoment, count, op: op, "firstMoment")
        let v = try operand(secondMoment, count, op: op, "secondMoment")
        forgetPreparedWeights(of: parameter)
        try launch("adam_step", file: "adam.cl", global: [count], local: [tuning.elementwise],
                   [p, g, m, v, .int(count), .float(h.learningRate), .float(h.beta1), .float(h.beta2), .float(h.epsilon),
                    .float(h.weightDecay), .int(h.decoupledWeightDecay ? 1 : 0), .float(h.stepSize), .float(h.secondMomentCorrection)])
    }
}
