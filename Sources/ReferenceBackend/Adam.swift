import FERCore

/// Adam / AdamW in PyTorch's arithmetic (torch.optim.Adam, foreach=False):
///   g' = g + wd * p                        (Adam's L2 decay)   or   p *= 1 - lr * wd   (AdamW)
///   m = b1 * m + (1 - b1) * g';  v = b2 * v + (1 - b2) * g'^2
///   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
extension ReferenceBackend {
    public func adamStep(_ h: AdamHyperparameters, parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor) throws {
        let op = Op.adamStep
        try h.validate(op: op.rawValue)
        let count = parameter.count
        let p = try floats(parameter, count, op: op, "parameter")
        let g = try floats(gradient, count, op: op, "gradient")
        let m = try floats(firstMoment, count, op: op, "firstMoment")
        let v = try floats(secondMoment, count, op: op, "secondMoment")
        let stepSize = h.stepSize, correction = h.secondMomentCorrection
        for e in 0..<count {
            var grad = g[e]
            if h.decoupledWeightDecay {
                p[e] *= 1 - h.learningRate * h.weightDecay
            } else {
                grad += h.weightDecay * p[e]
            }
            m[e] = h.beta1 * m[e] + (1 - h.beta1) * grad
            v[e] = h.beta2 * v[e] + (1 - h.beta2) * grad * grad
            p[e] -= stepSize * m[e] / (v[e].squareRoot() / correction + h.epsilon)
        }
    }
}
