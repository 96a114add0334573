/// The engine's operations. The training loop and the layers see only this protocol; the
/// pure-Swift `ReferenceBackend` is its specification and `OpenCLBackend` its fast twin.
///
/// Conventions, stated once for every op:
/// - Every op *assigns* its outputs (`=`); nothing accumulates into an output, so a buffer
///   never needs zeroing between steps. Each parameter is used once per step, so its
///   gradient is written by exactly one op. Where a value feeds two nodes, its two gradients
///   are summed by `add` with the output aliasing one of them (the one op whose output may
///   be one of its inputs).
/// - Activations are NHWC: [batch, height, width, channels]. Conv weights are
///   [kernelHeight, kernelWidth, inChannels, outChannels]; dense weights [inFeatures,
///   outFeatures]. These are the engine's layouts; model files use PyTorch's, converted in
///   one place (`FERModel/Layouts.swift`).
/// - Ops are queued, not waited for: `read`, `write` (which may reuse the host bytes as soon
///   as it returns, so on an in-order queue it also waits for earlier work) and `finish` wait.
/// - Every operand's size and type are checked; a mismatch throws `BackendError`.
/// - A tensor that an op reads as a weight is written only by `write`, `adamStep`, `sgdStep`
///   and `emaUpdate`: a backend may keep forms prepared from a weight until one of these writes it.
public protocol Backend: AnyObject {
    /// A short human-readable name ("reference", or the OpenCL device name).
    var name: String { get }

    /// A zero-filled tensor on this backend.
    func makeTensor(_ shape: [Int], _ dtype: DType) throws -> Tensor
    /// Copies host bytes into a tensor; the byte count must match exactly.
    func write(_ tensor: Tensor, from bytes: UnsafeRawBufferPointer) throws
    /// Copies a tensor into host memory, waiting for queued work that produces it.
    func read(_ tensor: Tensor, into bytes: UnsafeMutableRawBufferPointer) throws
    /// Waits until all queued work has finished.
    func finish() throws

    // MARK: convolution
    func conv2dForward(_ g: Conv2dGeometry, input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws
    func conv2dBackwardData(_ g: Conv2dGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws
    /// Weight gradient, and the bias gradient (sum of outputGrad over batch and pixels) when given.
    func conv2dBackwardWeights(_ g: Conv2dGeometry, input: Tensor, outputGrad: Tensor, weightGrad: Tensor, biasGrad: Tensor?) throws

    // MARK: batch norm
    /// Normalises with the batch's mean and biased variance, saves mean and 1/sqrt(var+eps)
    /// for the backward pass, and updates the running statistics in place with the unbiased
    /// variance: running = (1 - momentum) * running + momentum * batch (PyTorch's rule).
    /// With `output` nil only the statistics are computed and saved: the normalisation is
    /// fused into the next op (`batchNormReLUPoolForward`).
    func batchNormForwardTraining(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor, output: Tensor?,
                                  savedMean: Tensor, savedInvStd: Tensor, runningMean: Tensor, runningVar: Tensor) throws
    func batchNormForwardInference(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor,
                                   runningMean: Tensor, runningVar: Tensor, output: Tensor) throws
    func batchNormBackward(_ g: BatchNormGeometry, input: Tensor, outputGrad: Tensor, gamma: Tensor,
                           savedMean: Tensor, savedInvStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws

    /// Batch norm with given statistics, ReLU and 2x2 max-pool in one pass (g.fusedReLU must
    /// be set): output = relu(max over each window of gamma_c * (x - mean_c) * invStd_c + beta_c),
    /// argmax as `maxPoolForward` with the fused ReLU (-1 where the window's maximum is not
    /// positive). The batch-norm output itself is never stored.
    func batchNormReLUPoolForward(_ g: PoolGeometry, input: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, invStd: Tensor,
                                  output: Tensor, argmax: Tensor) throws
    /// The backward pass of training-mode batch norm (batch statistics `mean`, `invStd` of
    /// `input`, rows = batch * height * width), ReLU and max-pool, from the pooled output's
    /// gradient and the forward pass's argmax: the gradient reaching batch norm is outputGrad
    /// at each window's argmax and 0 elsewhere (everywhere for argmax -1, and in trailing odd
    /// rows and columns), then as `batchNormBackward`.
    func batchNormReLUPoolBackward(_ g: PoolGeometry, input: Tensor, outputGrad: Tensor, argmax: Tensor, gamma: Tensor,
                                   mean: Tensor, invStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws

    /// Batch norm and ReLU in one pass, without pooling (the conv -> bn -> relu of residual
    /// blocks): output = relu(gamma_c * (x - mean_c) * invStd_c + beta_c). Training passes the
    /// batch statistics that `batchNormForwardTraining(output: nil)` saved; evaluation passes
    /// the running statistics, whose invStd is 1/sqrt(var + g.epsilon). The batch-norm output
    /// itself is never stored.
    func batchNormReLUForward(_ g: BatchNormGeometry, input: Tensor, gamma: Tensor, beta: Tensor, statistics: BatchNormStatistics,
                              output: Tensor) throws
    /// The backward pass of training-mode batch norm (batch statistics `mean`, `invStd` of
    /// `input`) and ReLU: the ReLU's mask is recomputed from input, statistics, gamma and beta
    /// (nothing is stored by the forward pass), the gradient reaching batch norm is outputGrad
    /// where gamma_c * (x - mean_c) * invStd_c + beta_c > 0 and 0 elsewhere, then as `batchNormBackward`.
    func batchNormReLUBackward(_ g: BatchNormGeometry, input: Tensor, outputGrad: Tensor, gamma: Tensor, beta: Tensor,
                               mean: Tensor, invStd: Tensor, inputGrad: Tensor, gammaGrad: Tensor, betaGrad: Tensor) throws

    // MARK: elementwise
    func reluForward(input: Tensor, output: Tensor) throws
    /// inputGrad = outputGrad where output > 0, else 0.
    func reluBackward(output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws
    func dropoutForward(_ p: DropoutParameters, input: Tensor, output: Tensor) throws
    func dropoutBackward(_ p: DropoutParameters, outputGrad: Tensor, inputGrad: Tensor) throws

    func sigmoidForward(input: Tensor, output: Tensor) throws
    /// inputGrad = outputGrad * output * (1 - output), from the forward output.
    func sigmoidBackward(output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws

    // MARK: residual joins
    /// output = a + b elementwise, or relu(a + b) with `fusedReLU` (a residual block's join),
    /// for operands of equal element count (any shapes). `output` may be `a` or `b` itself
    /// (the same tensor or storage): each element is read before it is written, so
    /// `add(a: g1, b: g2, output: g1, fusedReLU: false)` accumulates a second gradient into the
    /// first where a value feeds two nodes. Backward: a plain add passes outputGrad unchanged to
    /// both a and b (nothing to compute); with the fused ReLU both receive
    /// `reluBackward(output:outputGrad:inputGrad:)` of the output.
    func add(a: Tensor, b: Tensor, output: Tensor, fusedReLU: Bool) throws

    // MARK: squeeze-and-excitation
    /// output[n, c] = mean over the height * width pixels of input[n, y, x, c]
    /// (input [batch, height, width, channels], output [batch, channels]).
    func globalAvgPoolForward(_ g: FeatureMapGeometry, input: Tensor, output: Tensor) throws
    /// inputGrad[n, y, x, c] = outputGrad[n, c] / (height * width).
    func globalAvgPoolBackward(_ g: FeatureMapGeometry, outputGrad: Tensor, inputGrad: Tensor) throws
    /// output[n, y, x, c] = input[n, y, x, c] * scale[n, c] (scale [batch, channels]).
    func channelScaleForward(_ g: FeatureMapGeometry, input: Tensor, scale: Tensor, output: Tensor) throws
    /// inputGrad[n, y, x, c] = outputGrad[n, y, x, c] * scale[n, c];
    /// scaleGrad[n, c] = sum over pixels of outputGrad[n, y, x, c] * input[n, y, x, c].
    func channelScaleBackward(_ g: FeatureMapGeometry, input: Tensor, scale: Tensor, outputGrad: Tensor,
                              inputGrad: Tensor, scaleGrad: Tensor) throws

    // MARK: pooling
    /// Saves, per output element, the window position (0...3, row-major) of the maximum;
    /// the first of equal values wins.
    func maxPoolForward(_ g: PoolGeometry, input: Tensor, output: Tensor, argmax: Tensor) throws
    func maxPoolBackward(_ g: PoolGeometry, outputGrad: Tensor, argmax: Tensor, inputGrad: Tensor) throws

    // MARK: dense
    func denseForward(_ g: DenseGeometry, input: Tensor, weight: Tensor, bias: Tensor, output: Tensor) throws
    /// inputGrad is optional: the first layer of a network does not need it.
    func denseBackward(_ g: DenseGeometry, input: Tensor, weight: Tensor, outputGrad: Tensor,
                       inputGrad: Tensor?, weightGrad: Tensor, biasGrad: Tensor) throws

    // MARK: loss
    /// Writes the mean (weighted) loss to `loss` [1], the gradient of that loss to
    /// `logitsGrad`, and the number of rows whose arg-max equals the label to `correct` [1]
    /// (int32). Labels outside [0, classes) are an error the host must catch first.
    func softmaxCrossEntropy(_ g: SoftmaxCrossEntropyGeometry, logits: Tensor, labels: Tensor, classWeights: Tensor?,
                             loss: Tensor, logitsGrad: Tensor, correct: Tensor) throws

    // MARK: data
    /// Gathers images[indices[b]] (uint8 [imageCount, height, width]) and labels[indices[b]]
    /// into a float batch [batch, height, width, 1] and int32 labels [batch], augmenting and
    /// normalising each image as `AugmentParameters` describes. Indices outside the dataset
    /// are an error the host must catch first (the kernel writes zeros for them).
    func augmentBatch(_ p: AugmentParameters, images: Tensor, labels: Tensor, indices: Tensor,
                      output: Tensor, outputLabels: Tensor) throws

    /// Mixup or CutMix of an augmented batch [batch, height, width, 1] with its mirrored batch
    /// order, as `MixGeometry` states; `output` must not be `input`.
    func mixBatch(_ g: MixGeometry, input: Tensor, output: Tensor) throws

    // MARK: optimiser
    /// Updates parameter, first and second moments in place.
    func adamStep(_ h: AdamHyperparameters, parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor) throws
    /// Updates parameter and momentum buffer in place (`SGDHyperparameters` gives the formula).
    func sgdStep(_ h: SGDHyperparameters, parameter: Tensor, gradient: Tensor, momentumBuffer: Tensor) throws
    /// Exponential moving average in place: average = decay * average + (1 - decay) * value;
    /// decay 0 copies value (whatever average held).
    func emaUpdate(decay: Float, average: Tensor, value: Tensor) throws
    /// Gradient-norm clipping, part 1: sumOfSquares[0] += sum of gradient^2 (one tensor of the
    /// set whose global norm is clipped; the caller zeroes the accumulator first).
    func squaredNormAdd(gradient: Tensor, sumOfSquares: Tensor) throws
    /// Part 2, as torch.nn.utils.clip_grad_norm_: gradient *= min(1, maxNorm / (sqrt(sumOfSquares[0]) + 1e-6)).
    /// The norm never leaves the device, so clipping costs no host sync.
    func clipByNorm(gradient: Tensor, sumOfSquares: Tensor, maxNorm: Float) throws

    // MARK: face detection
    /// Evaluates a Haar cascade of stumps at every window position of one scale, as OpenCV's
    /// `CascadeClassifier::runAt` does (HaarScanGeometry states the layouts and the result code).
    func haarCascadeScan(_ g: HaarScanGeometry, integral: Tensor, squaredIntegral: Tensor, features: Tensor,
                         stumps: Tensor, stages: Tensor, result: Tensor) throws
}

extension Backend {
    /// output = a + b (no ReLU); `output` may be `a` or `b` (see the protocol's `add`).
    public func add(a: Tensor, b: Tensor, output: Tensor) throws {
        try add(a: a, b: b, output: output, fusedReLU: false)
    }

    public func upload(_ values: [Float], to tensor: Tensor) throws {
        try values.withUnsafeBytes { try write(tensor, from: $0) }
    }

    public func upload(_ values: [Int32], to tensor: Tensor) throws {
        try values.withUnsafeBytes { try write(tensor, from: $0) }
    }

    public func upload(_ values: [UInt8], to tensor: Tensor) throws {
        try values.withUnsafeBytes { try write(tensor, from: $0) }
    }

    public func floats(_ tensor: Tensor) throws -> [Float] {
        var out = [Float](repeating: 0, count: tensor.count)
        try out.withUnsafeMutableBytes { try read(tensor, into: $0) }
        return out
    }

    public func ints(_ tensor: Tensor) throws -> [Int32] {
        var out = [Int32](repeating: 0, count: tensor.count)
        try out.withUnsafeMutableBytes { try read(tensor, into: $0) }
        return out
    }

    /// A new float tensor holding `values`.
    public func tensor(_ values: [Float], _ shape: [Int]) throws -> Tensor {
        let t = try makeTensor(shape, .float32)
        try upload(values, to: t)
        return t
    }

    /// A new int32 tensor holding `values`.
    public func intTensor(_ values: [Int32], _ shape: [Int]) throws -> Tensor {
        let t = try makeTensor(shape, .int32)
        try upload(values, to: t)
        return t
    }
}
