import FERCore

/// What the trainer needs of an optimiser: a rate it can set each step, one update of every
/// parameter, and the per-parameter state a checkpoint keeps (under PyTorch's state names, so
/// a resumed run continues exactly).
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    func update(_ parameters: [Parameter], on backend: Backend) throws
    /// The state tensors of `parameter` by torch.optim's names ("exp_avg", "momentum_buffer").
    func state(of parameter: Parameter) -> [(name: String, tensor: Tensor)]
}

extension Parameter {
    /// Weight decay applies to weights. Biases and batch-norm scales and shifts (the parameters
    /// stored as vectors) are spared when an optimiser is told so: decaying them only pulls
    /// the normalisation towards zero.
    public var isVector: Bool {
        if case .vector = layout { return true }
        return false
    }
}

/// SGD with momentum or Nesterov momentum (`sgd_step`); the momentum buffer is the
/// parameter's first-moment tensor.
public final class SGDOptimizer: Optimizer {
    public var hyperparameters: SGDHyperparameters
    /// Whether biases and batch-norm parameters are left out of the weight decay.
    public let sparesVectors: Bool

    public init(_ hyperparameters: SGDHyperparameters, sparesVectors: Bool = false) {
        self.hyperparameters = hyperparameters
        self.sparesVectors = sparesVectors
    }

    public var learningRate: Float {
        get { hyperparameters.learningRate }
        set { hyperparameters.learningRate = newValue }
    }

    public func update(_ parameters: [Parameter], on backend: Backend) throws {
        for parameter in parameters {
            var h = hyperparameters
            if sparesVectors && parameter.isVector { h.weightDecay = 0 }
            try backend.sgdStep(h, parameter: parameter.value, gradient: parameter.gradient, momentumBuffer: parameter.firstMoment)
        }
    }

    public func state(of parameter: Parameter) -> [(name: String, tensor: Tensor)] {
        hyperparameters.momentum > 0 ? [("momentum_buffer", parameter.firstMoment)] : []
    }
}
