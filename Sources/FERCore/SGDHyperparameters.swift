/// One SGD step with PyTorch's arithmetic (torch.optim.SGD, dampening 0):
///   g' = g + wd * p   (L2 decay)      or   p *= 1 - lr * wd   (decoupled, as AdamW does)
///   buf = momentum * buf + g'         (buf starts at 0, so the first step sets buf = g', as torch's clone does)
///   p -= lr * (g' + momentum * buf)   with Nesterov,   p -= lr * buf   without
/// With momentum 0 the buffer is neither read nor written.
public struct SGDHyperparameters: Hashable, Sendable {
    public var learningRate: Float
    public var momentum: Float
    public var nesterov: Bool
    public var weightDecay: Float
    public var decoupledWeightDecay: Bool

    public init(learningRate: Float = 0.01, momentum: Float = 0.9, nesterov: Bool = true, weightDecay: Float = 0,
                decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate; self.momentum = momentum; self.nesterov = nesterov
        self.weightDecay = weightDecay; self.decoupledWeightDecay = decoupledWeightDecay
    }

    public func validate(op: String) throws {
        guard learningRate >= 0, momentum >= 0, momentum < 1, weightDecay >= 0, !(nesterov && momentum == 0) else {
            throw BackendError.invalidArgument(op: op, reason: "invalid SGD hyperparameters \(self) (Nesterov needs momentum > 0)")
        }
    }
}
