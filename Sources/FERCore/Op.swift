/// Every op of `Backend`, by name. `fer-cl verify` and the tests switch over this list
/// exhaustively, so an op added here without a cross-backend check does not compile.
public enum Op: String, CaseIterable, Sendable {
    case conv2dForward = "conv2d_forward"
    case conv2dBackwardData = "conv2d_backward_data"
    case conv2dBackwardWeights = "conv2d_backward_weights"
    case batchNormForwardTraining = "batchnorm_forward_training"
    case batchNormForwardInference = "batchnorm_forward_inference"
    case batchNormBackward = "batchnorm_backward"
    case batchNormReLUPoolForward = "batchnorm_relu_pool_forward"
    case batchNormReLUPoolBackward = "batchnorm_relu_pool_backward"
    case reluForward = "relu_forward"
    case reluBackward = "relu_backward"
    case dropoutForward = "dropout_forward"
    case dropoutBackward = "dropout_backward"
    case maxPoolForward = "maxpool_forward"
    case maxPoolBackward = "maxpool_backward"
    case denseForward = "dense_forward"
    case denseBackward = "dense_backward"
    case softmaxCrossEntropy = "softmax_cross_entropy"
    case adamStep = "adam_step"
    case augmentBatch = "augment_batch"
    case haarCascadeScan = "haar_cascade_scan"
}
