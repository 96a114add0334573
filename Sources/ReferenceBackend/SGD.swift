import FERCore

/// SGD with momentum or Nesterov momentum, in PyTorch's arithmetic (see `SGDHyperparameters`).
extension ReferenceBackend {
    public func sgdStep(_ h: SGDHyperparameters, parameter: Tensor, gradient: Tensor, momentumBuffer: Tensor) throws {
        let op = Op.sgdStep
        try h.validate(op: op.rawValue)
        let count = parameter.count
        let p = try floats(parameter, count, op: op, "parameter")
        let g = try floats(gradient, count, op: op, "gradient")
        let buffer = try floats(momentumBuffer, count, op: op, "momentumBuffer")
        for e in 0..<count {
            var grad = g[e]
            if h.decoupledWeightDecay {
                p[e] *= 1 - h.learningRate * h.weightDecay
            } else {
                grad += h.weightDecay * p[e]
            }
            var direction = grad
            if h.momentum > 0 {
                buffer[e] = h.momentum * buffer[e] + grad
                direction = h.nesterov ? grad + h.momentum * buffer[e] : buffer[e]
            }
            p[e] -= h.learningRate * direction
        }
    }
}
