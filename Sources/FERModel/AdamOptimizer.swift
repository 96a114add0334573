import FERCore

/// Adam / AdamW over a network's parameters; the step count drives bias correction.
public final class AdamOptimizer: Optimizer {
    public var hyperparameters: AdamHyperparameters
    /// Steps taken so far; the next step uses step + 1.
    public private(set) var step: Int
    /// Whether biases and batch-norm parameters are left out of the weight decay.
    public let sparesVectors: Bool

    public init(_ hyperparameters: AdamHyperparameters = AdamHyperparameters(), step: Int = 0, sparesVectors: Bool = false) {
        self.hyperparameters = hyperparameters
        self.step = step
        self.sparesVectors = sparesVectors
    }

    public var learningRate: Float {
        get { hyperparameters.learningRate }
        set { hyperparameters.learningRate = newValue }
    }

    public func update(_ parameters: [Parameter], on backend: Backend) throws {
        step += 1
        for parameter in parameters {
            var h = hyperparameters
            h.step = step
            if sparesVectors && parameter.isVector { h.weightDecay = 0 }
            try backend.adamStep(h, parameter: parameter.value, gradient: parameter.gradient,
                                 firstMoment: parameter.firstMoment, secondMoment: parameter.secondMoment)
        }
    }

    public func state(of parameter: Parameter) -> [(name: String, tensor: Tensor)] {
        [("exp_avg", parameter.firstMoment), ("exp_avg_sq", parameter.secondMoment)]
    }
}
