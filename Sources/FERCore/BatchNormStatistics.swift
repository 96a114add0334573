/// Where `Backend.batchNormReLUForward` takes batch norm's per-channel statistics from.
public enum BatchNormStatistics {
    /// Training: the batch's mean and 1/sqrt(var + eps), as `batchNormForwardTraining` saves them.
    case batch(mean: Tensor, invStd: Tensor)
    /// Evaluation: the running mean and variance; 1/sqrt(variance + eps) is computed per channel.
    case running(mean: Tensor, variance: Tensor)
}
