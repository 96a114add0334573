import FERCore

/// Adam / AdamW over a network's parameters; the step count drives bias correction.
public final class AdamOptimizer {
    public var hyperparameters: AdamHyperparameters
    /// Steps taken so far; the next step uses step + 1.
    public private(set) var step: Int

    public init(_ hyperparameters: AdamHyperparameters = AdamHyperparameters(), step: Int = 0) {
        self.hyperparameters = hyperparameters
        self.step = step
    }

    public func update(_ parameters: [Parameter], on backend: Backend) throws {
        step += 1
        var h = hyperparameters
        h.step = step
        for parameter in parameters {
            try backend.adamStep(h, parameter: parameter.value, gradient: parameter.gradient,
                                 firstMoment: parameter.firstMoment, secondMoment: parameter.secondMoment)
        }
    }
}
