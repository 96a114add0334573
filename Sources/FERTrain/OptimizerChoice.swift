import FERCore
import FERModel

extension TrainingOptions {
    /// The optimiser these options describe, `step` optimiser steps into the run (Adam's bias
    /// correction counts them).
    public func makeOptimizer(step: Int = 0) -> Optimizer {
        switch optimizer {
        case .adam:
            AdamOptimizer(AdamHyperparameters(learningRate: learningRate, weightDecay: weightDecay,
                                              decoupledWeightDecay: decoupledWeightDecay), step: step, sparesVectors: sparesVectorsFromDecay)
        case .sgd:
            SGDOptimizer(SGDHyperparameters(learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay,
                                            decoupledWeightDecay: decoupledWeightDecay), sparesVectors: sparesVectorsFromDecay)
        }
    }
}
