import FERCore

/// The per-op half of `fer-cl verify`: every op of `Op`, on awkward shapes (odd sizes,
/// stride 2, 1x1 kernels, sizes that are not multiples of any work-group size), from inputs
/// drawn from a fixed seed.
public struct OpChecks {
    let harness: OpHarness
    var inputs: RandomInputs
    let convGeometries: [Conv2dGeometry]
    let denseGeometries: [DenseGeometry]

    /// - Parameters:
    ///   - extraConvGeometries, extraDenseGeometries: checked after the standard shapes, for
    ///     paths that only some tunings reach (several weight-gradient chunks, wide tiles).
    public init(reference: Backend, candidate: Backend, seed: UInt64 = 2013,
                extraConvGeometries: [Conv2dGeometry] = [], extraDenseGeometries: [DenseGeometry] = []) {
        harness = OpHarness(reference: reference, candidate: candidate)
        inputs = RandomInputs(seed: seed)
        convGeometries = Self.convGeometries + extraConvGeometries
        denseGeometries = Self.denseGeometries + extraDenseGeometries
    }

    static let convGeometries = [
        Conv2dGeometry(batch: 2, height: 7, width: 5, inChannels: 3, outChannels: 6),
        Conv2dGeometry(batch: 3, height: 9, width: 6, inChannels: 5, outChannels: 4, stride: 2, padding: 1),
        Conv2dGeometry(batch: 1, height: 6, width: 7, inChannels: 2, outChannels: 3, kernelHeight: 1, kernelWidth: 1, padding: 0),
        Conv2dGeometry(batch: 2, height: 8, width: 8, inChannels: 17, outChannels: 33, kernelHeight: 5, kernelWidth: 5, padding: 2),
        // Output channels a multiple of 16: the register-tiled weight-gradient kernel.
        Conv2dGeometry(batch: 2, height: 7, width: 5, inChannels: 17, outChannels: 32),
        // ResNet shapes: a 1x1 stride-2 projection (an even width: its last column gets no
        // gradient) and a stride-2 3x3 with tiled weight gradients; both with dilated backward-data.
        Conv2dGeometry(batch: 2, height: 7, width: 8, inChannels: 6, outChannels: 5, kernelHeight: 1, kernelWidth: 1, stride: 2, padding: 0),
        Conv2dGeometry(batch: 2, height: 8, width: 7, inChannels: 16, outChannels: 32, stride: 2, padding: 1),
    ]
    /// Channels 5 and 7: one work-group per channel; 12: the chunked float4 reductions.
    static let batchNormGeometries = [BatchNormGeometry(rows: 37, channels: 5), BatchNormGeometry(rows: 72, channels: 7, momentum: 0.25),
                                      BatchNormGeometry(rows: 1001, channels: 12)]
    /// Channels 3 and 5: the one-channel kernels; 8 and 4: the float4 kernels; with and without the fused ReLU.
    static let poolGeometries = [PoolGeometry(batch: 2, height: 7, width: 9, channels: 3), PoolGeometry(batch: 1, height: 4, width: 4, channels: 5, fusedReLU: true),
                                 PoolGeometry(batch: 2, height: 7, width: 9, channels: 8, fusedReLU: true), PoolGeometry(batch: 1, height: 6, width: 6, channels: 4)]
    /// Channels 8 and 12: the fused float4 kernels (odd and even sides); 5: the composed fallback.
    static let fusedPoolGeometries = [PoolGeometry(batch: 2, height: 7, width: 9, channels: 8, fusedReLU: true),
                                      PoolGeometry(batch: 3, height: 6, width: 4, channels: 12, fusedReLU: true),
                                      PoolGeometry(batch: 2, height: 5, width: 4, channels: 5, fusedReLU: true)]
    static let denseGeometries = [DenseGeometry(batch: 3, inFeatures: 13, outFeatures: 7), DenseGeometry(batch: 5, inFeatures: 37, outFeatures: 17)]

    static func describe(_ g: PoolGeometry) -> String {
        "n\(g.batch) \(g.height)x\(g.width)x\(g.channels)" + (g.fusedReLU ? " relu" : "")
    }

    /// All comparisons of one op. The switch is exhaustive: a new op must bring its check.
    public mutating func run(_ op: Op) throws -> [Comparison] {
        let label = op.rawValue
        switch op {
        case .conv2dForward:
            return try convGeometries.flatMap { g in
                try harness.compare("\(label) \(g)", [
                    .input("input", inputs.uniform(g.inputCount), [g.inputCount]),
                    .input("weight", inputs.uniform(g.weightCount), [g.weightCount]),
                    .input("bias", inputs.uniform(g.outChannels), [g.outChannels]),
                    .output("output", [g.outputCount]),
                ]) { b, t in try b.conv2dForward(g, input: t["input"]!, weight: t["weight"]!, bias: t["bias"]!, output: t["output"]!) }
            } + convolutionWithoutBiasChecks(op)
        case .conv2dBackwardData:
            return try convGeometries.flatMap { g in
                try harness.compare("\(label) \(g)", [
                    .input("outputGrad", inputs.uniform(g.outputCount), [g.outputCount]),
                    .input("weight", inputs.uniform(g.weightCount), [g.weightCount]),
                    .output("inputGrad", [g.inputCount]),
                ]) { b, t in try b.conv2dBackwardData(g, outputGrad: t["outputGrad"]!, weight: t["weight"]!, inputGrad: t["inputGrad"]!) }
            }
        case .conv2dBackwardWeights:
            return try convGeometries.flatMap { g in
                try harness.compare("\(label) \(g)", [
                    .input("input", inputs.uniform(g.inputCount), [g.inputCount]),
                    .input("outputGrad", inputs.uniform(g.outputCount), [g.outputCount]),
                    .output("weightGrad", [g.weightCount]),
                    .output("biasGrad", [g.outChannels]),
                ]) { b, t in
                    try b.conv2dBackwardWeights(g, input: t["input"]!, outputGrad: t["outputGrad"]!,
                                                weightGrad: t["weightGrad"]!, biasGrad: t["biasGrad"]!)
                }
            } + convolutionWithoutBiasChecks(op)
        case .batchNormForwardTraining:
            // The last case adds 100 to every input: the one-pass statistics must not cancel a large common offset.
            let cases = Self.batchNormGeometries.map { ($0, Float(0)) } + [(BatchNormGeometry(rows: 1001, channels: 12), Float(100))]
            return try cases.flatMap { g, offset in
                try harness.compare("\(label) \(g.rows)x\(g.channels)" + (offset != 0 ? " offset \(Int(offset))" : ""), [
                    .input("input", inputs.uniform(g.count, -2, 3).map { $0 + offset }, [g.count]),
                    .input("gamma", inputs.uniform(g.channels, 0.5, 1.5), [g.channels]),
                    .input("beta", inputs.uniform(g.channels), [g.channels]),
                    .output("output", [g.count]), .output("savedMean", [g.channels]), .output("savedInvStd", [g.channels]),
                    .inOut("runningMean", inputs.uniform(g.channels), [g.channels]),
                    .inOut("runningVar", inputs.uniform(g.channels, 0.5, 2), [g.channels]),
                ]) { b, t in
                    try b.batchNormForwardTraining(g, input: t["input"]!, gamma: t["gamma"]!, beta: t["beta"]!, output: t["output"]!,
                                                   savedMean: t["savedMean"]!, savedInvStd: t["savedInvStd"]!,
                                                   runningMean: t["runningMean"]!, runningVar: t["runningVar"]!)
                }
            }
        case .batchNormForwardInference:
            return try Self.batchNormGeometries.flatMap { g in
                try harness.compare("\(label) \(g.rows)x\(g.channels)", [
                    .input("input", inputs.uniform(g.count, -2, 3), [g.count]),
                    .input("gamma", inputs.uniform(g.channels, 0.5, 1.5), [g.channels]),
                    .input("beta", inputs.uniform(g.channels), [g.channels]),
                    .input("runningMean", inputs.uniform(g.channels), [g.channels]),
                    .input("runningVar", inputs.uniform(g.channels, 0.5, 2), [g.channels]),
                    .output("output", [g.count]),
                ]) { b, t in
                    try b.batchNormForwardInference(g, input: t["input"]!, gamma: t["gamma"]!, beta: t["beta"]!,
                                                    runningMean: t["runningMean"]!, runningVar: t["runningVar"]!, output: t["output"]!)
                }
            }
        case .batchNormBackward:
            return try Self.batchNormGeometries.flatMap { g in
                let x = inputs.uniform(g.count, -2, 3)
                let (mean, invStd) = Self.statistics(x, g)
                return try harness.compare("\(label) \(g.rows)x\(g.channels)", [
                    .input("input", x, [g.count]),
                    .input("outputGrad", inputs.uniform(g.count), [g.count]),
                    .input("gamma", inputs.uniform(g.channels, 0.5, 1.5), [g.channels]),
                    .input("savedMean", mean, [g.channels]), .input("savedInvStd", invStd, [g.channels]),
                    .output("inputGrad", [g.count]), .output("gammaGrad", [g.channels]), .output("betaGrad", [g.channels]),
                ]) { b, t in
                    try b.batchNormBackward(g, input: t["input"]!, outputGrad: t["outputGrad"]!, gamma: t["gamma"]!,
                                            savedMean: t["savedMean"]!, savedInvStd: t["savedInvStd"]!,
                                            inputGrad: t["inputGrad"]!, gammaGrad: t["gammaGrad"]!, betaGrad: t["betaGrad"]!)
                }
            }
        case .batchNormReLUPoolForward:
            return try Self.fusedPoolGeometries.flatMap { g in
                let x = inputs.distinct(g.inputCount).map { 2.5 * $0 + 0.5 }
                let (mean, invStd) = Self.statistics(x, g.batchNorm)
                return try harness.compare("\(label) \(Self.describe(g))", [
                    .input("input", x, [g.inputCount]),
                    .input("gamma", inputs.uniform(g.channels, 0.5, 1.5), [g.channels]),
                    .input("beta", inputs.uniform(g.channels, -0.5, 0.5), [g.channels]),
                    .input("mean", mean, [g.channels]), .input("invStd", invStd, [g.channels]),
                    .output("output", [g.outputCount]), .output("argmax", [g.outputCount], .int32),
                ]) { b, t in
                    try b.batchNormReLUPoolForward(g, input: t["input"]!, gamma: t["gamma"]!, beta: t["beta"]!, mean: t["mean"]!,
                                                   invStd: t["invStd"]!, output: t["output"]!, argmax: t["argmax"]!)
                }
            }
        case .batchNormReLUPoolBackward:
            return try Self.fusedPoolGeometries.flatMap { g in
                let x = inputs.uniform(g.inputCount, -2, 3)
                let (mean, invStd) = Self.statistics(x, g.batchNorm)
                return try harness.compare("\(label) \(Self.describe(g))", [
                    .input("input", x, [g.inputCount]),
                    .input("outputGrad", inputs.uniform(g.outputCount), [g.outputCount]),
                    .input("argmax", (0..<g.outputCount).map { _ in Int32(inputs.generator.next() % 5) - 1 }, [g.outputCount]),
                    .input("gamma", inputs.uniform(g.channels, 0.5, 1.5), [g.channels]),
                    .input("mean", mean, [g.channels]), .input("invStd", invStd, [g.channels]),
                    .output("inputGrad", [g.inputCount]), .output("gammaGrad", [g.channels]), .output("betaGrad", [g.channels]),
                ]) { b, t in
                    try b.batchNormReLUPoolBackward(g, input: t["input"]!, outputGrad: t["outputGrad"]!, argmax: t["argmax"]!,
                                                    gamma: t["gamma"]!, mean: t["mean"]!, invStd: t["invStd"]!, inputGrad: t["inputGrad"]!,
                                                    gammaGrad: t["gammaGrad"]!, betaGrad: t["betaGrad"]!)
                }
            }
        case .reluForward:
            return try harness.compare("\(label) 1001", [.input("input", inputs.awayFromZero(1001), [1001]), .output("output", [1001])]) { b, t in
                try b.reluForward(input: t["input"]!, output: t["output"]!)
            }
        case .reluBackward:
            return try harness.compare("\(label) 1001", [
                .input("output", inputs.awayFromZero(1001).map { max($0, 0) }, [1001]),
                .input("outputGrad", inputs.uniform(1001), [1001]), .output("inputGrad", [1001]),
            ]) { b, t in try b.reluBackward(output: t["output"]!, outputGrad: t["outputGrad"]!, inputGrad: t["inputGrad"]!) }
        case .dropoutForward, .dropoutBackward:
            let p = DropoutParameters(count: 1003, rate: 0.3, seed: 0x1234_5678_9ABC, stream: 77)
            return try harness.compare("\(label) 1003 rate 0.3", [.input("source", inputs.uniform(1003), [1003]), .output("target", [1003])]) { b, t in
                if op == .dropoutForward {
                    try b.dropoutForward(p, input: t["source"]!, output: t["target"]!)
                } else {
                    try b.dropoutBackward(p, outputGrad: t["source"]!, inputGrad: t["target"]!)
                }
            }
        case .maxPoolForward:
            return try Self.poolGeometries.flatMap { g in
                try harness.compare("\(label) \(Self.describe(g))", [
                    .input("input", inputs.distinct(g.inputCount), [g.inputCount]),
                    .output("output", [g.outputCount]), .output("argmax", [g.outputCount], .int32),
                ]) { b, t in try b.maxPoolForward(g, input: t["input"]!, output: t["output"]!, argmax: t["argmax"]!) }
            }
        case .maxPoolBackward:
            return try Self.poolGeometries.flatMap { g in
                try harness.compare("\(label) \(Self.describe(g))", [
                    .input("outputGrad", inputs.uniform(g.outputCount), [g.outputCount]),
                    // -1 (fused ReLU: no gradient) as one of five choices when the geometry allows it.
                    .input("argmax", (0..<g.outputCount).map { _ in Int32(inputs.generator.next() % (g.fusedReLU ? 5 : 4)) - (g.fusedReLU ? 1 : 0) },
                           [g.outputCount]),
                    .output("inputGrad", [g.inputCount]),
                ]) { b, t in try b.maxPoolBackward(g, outputGrad: t["outputGrad"]!, argmax: t["argmax"]!, inputGrad: t["inputGrad"]!) }
            }
        case .denseForward:
            return try denseGeometries.flatMap { g in
                try harness.compare("\(label) \(g.batch)x\(g.inFeatures)->\(g.outFeatures)", [
                    .input("input", inputs.uniform(g.batch * g.inFeatures), [g.batch, g.inFeatures]),
                    .input("weight", inputs.uniform(g.inFeatures * g.outFeatures), [g.inFeatures, g.outFeatures]),
                    .input("bias", inputs.uniform(g.outFeatures), [g.outFeatures]),
                    .output("output", [g.batch, g.outFeatures]),
                ]) { b, t in try b.denseForward(g, input: t["input"]!, weight: t["weight"]!, bias: t["bias"]!, output: t["output"]!) }
            }
        case .denseBackward:
            return try denseGeometries.flatMap { g in
                try harness.compare("\(label) \(g.batch)x\(g.inFeatures)->\(g.outFeatures)", [
                    .input("input", inputs.uniform(g.batch * g.inFeatures), [g.batch, g.inFeatures]),
                    .input("weight", inputs.uniform(g.inFeatures * g.outFeatures), [g.inFeatures, g.outFeatures]),
                    .input("outputGrad", inputs.uniform(g.batch * g.outFeatures), [g.batch, g.outFeatures]),
                    .output("inputGrad", [g.batch, g.inFeatures]), .output("weightGrad", [g.inFeatures, g.outFeatures]),
                    .output("biasGrad", [g.outFeatures]),
                ]) { b, t in
                    try b.denseBackward(g, input: t["input"]!, weight: t["weight"]!, outputGrad: t["outputGrad"]!,
                                        inputGrad: t["inputGrad"]!, weightGrad: t["weightGrad"]!, biasGrad: t["biasGrad"]!)
                }
            }
        case .softmaxCrossEntropy:
            let plain = SoftmaxCrossEntropyGeometry(batch: 9, classes: 7)
            var logits = inputs.uniform(plain.batch * plain.classes, -4, 4)
            logits[3] = 60; logits[10] = -55  // large logits must not overflow
            let labels = inputs.labels(plain.batch, classes: plain.classes)
            let weights = inputs.uniform(plain.classes, 0.2, 3)
            return try [(false, Float(0), Float(1)), (true, 0, 1), (false, 0.1, 1), (true, 0.2, 1), (false, 0, 0.3), (true, 0.1, 0.62)]
                .flatMap { weighted, smoothing, mixWeight in
                var g = plain
                g.labelSmoothing = smoothing
                g.mixWeight = mixWeight
                return try harness.compare("\(label) 9x7\(weighted ? " weighted" : "")\(smoothing > 0 ? " smoothing \(smoothing)" : "")"
                                               + (mixWeight < 1 ? " mixed \(mixWeight)" : ""), [
                    .input("logits", logits, [g.batch, g.classes]), .input("labels", labels, [g.batch]),
                    .input("classWeights", weights, [g.classes]),
                    .output("loss", [1]), .output("logitsGrad", [g.batch, g.classes]), .output("correct", [1], .int32),
                ]) { b, t in
                    try b.softmaxCrossEntropy(g, logits: t["logits"]!, labels: t["labels"]!, classWeights: weighted ? t["classWeights"]! : nil,
                                              loss: t["loss"]!, logitsGrad: t["logitsGrad"]!, correct: t["correct"]!)
                }
            }
        case .augmentBatch:
            let imageCount = 9
            return try Self.augmentVariants(imageCount: imageCount, seed: 99).flatMap { name, p in
                let pixels = (0..<imageCount * p.pixelsPerImage).map { _ in UInt8(truncatingIfNeeded: inputs.generator.next()) }
                return try harness.compare("\(label) \(name) \(p.batch)x\(p.height)x\(p.width)", [
                    .input("images", pixels, [imageCount, p.height, p.width]),
                    .input("labels", inputs.labels(imageCount, classes: 7), [imageCount]),
                    .input("indices", [4, 0, 8, 4, 2, 7] as [Int32], [p.indexCount]),
                    .output("output", [p.batch, p.height, p.width, 1]), .output("outputLabels", [p.batch], .int32),
                ]) { b, t in
                    try b.augmentBatch(p, images: t["images"]!, labels: t["labels"]!, indices: t["indices"]!,
                                       output: t["output"]!, outputLabels: t["outputLabels"]!)
                }
            }
        case .mixBatch:
            var mixup = MixGeometry(batch: 5, height: 13, width: 11, mode: .mixup, lambda: 0.37)
            var cutmix = mixup
            cutmix.mode = .cutmix; cutmix.top = 2; cutmix.left = 3; cutmix.boxHeight = 7; cutmix.boxWidth = 8
            mixup.batch = 6
            return try [mixup, cutmix].flatMap { g in
                try harness.compare("\(label) \(g.mode.rawValue) \(g.batch)x\(g.height)x\(g.width)", [
                    .input("input", inputs.uniform(g.count), [g.batch, g.height, g.width, 1]),
                    .output("output", [g.batch, g.height, g.width, 1]),
                ]) { b, t in try b.mixBatch(g, input: t["input"]!, output: t["output"]!) }
            }
        case .add: return try addChecks(label)
        case .batchNormReLUForward, .batchNormReLUBackward: return try batchNormReLUChecks(op)
        case .sigmoidForward, .sigmoidBackward: return try sigmoidChecks(op)
        case .globalAvgPoolForward, .globalAvgPoolBackward: return try globalAvgPoolChecks(op)
        case .channelScaleForward, .channelScaleBackward: return try channelScaleChecks(op)
        case .adamStep:
            let variants = [AdamHyperparameters(learningRate: 1e-3, weightDecay: 0.01, step: 3),
                            AdamHyperparameters(learningRate: 3e-4, weightDecay: 0.05, decoupledWeightDecay: true, step: 1)]
            return try variants.flatMap { h in
                let count = 1000
                return try harness.compare("\(label) \(h.decoupledWeightDecay ? "adamw" : "adam") t\(h.step)", [
                    .inOut("parameter", inputs.uniform(count), [count]), .input("gradient", inputs.uniform(count, -0.1, 0.1), [count]),
                    .inOut("firstMoment", inputs.uniform(count, -0.01, 0.01), [count]),
                    .inOut("secondMoment", inputs.uniform(count, 0, 1e-4), [count]),
                ]) { b, t in
                    try b.adamStep(h, parameter: t["parameter"]!, gradient: t["gradient"]!,
                                   firstMoment: t["firstMoment"]!, secondMoment: t["secondMoment"]!)
                }
            }
        case .squaredNormAdd:
            return try [5, 4099].flatMap { count in
                try harness.compare("\(label) \(count)", [
                    .input("gradient", inputs.uniform(count), [count]), .inOut("sumOfSquares", [3.5], [1]),
                ]) { b, t in
                    try b.squaredNormAdd(gradient: t["gradient"]!, sumOfSquares: t["sumOfSquares"]!)
                }
            }
        case .clipByNorm:
            // Norms 5 and 0.5 against a maximum of 1: one clipped, one left alone.
            return try [Float(25), 0.25].flatMap { squares in
                try harness.compare("\(label) norm \(squares.squareRoot())", [
                    .inOut("gradient", inputs.uniform(1003), [1003]), .input("sumOfSquares", [squares], [1]),
                ]) { b, t in
                    try b.clipByNorm(gradient: t["gradient"]!, sumOfSquares: t["sumOfSquares"]!, maxNorm: 1)
                }
            }
        case .emaUpdate:
            return try [Float(0.999), 0.5, 0].flatMap { decay in
                let count = 1001
                return try harness.compare("\(label) decay \(decay)", [
                    .inOut("average", inputs.uniform(count), [count]), .input("value", inputs.uniform(count), [count]),
                ]) { b, t in
                    try b.emaUpdate(decay: decay, average: t["average"]!, value: t["value"]!)
                }
            }
        case .sgdStep:
            let variants = [SGDHyperparameters(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4),
                            SGDHyperparameters(learningRate: 0.1, momentum: 0.8, nesterov: false, weightDecay: 0.01, decoupledWeightDecay: true),
                            SGDHyperparameters(learningRate: 0.1, momentum: 0, nesterov: false, weightDecay: 0.001)]
            return try variants.flatMap { h in
                let count = 1003
                let name = "\(label) \(h.nesterov ? "nesterov" : "momentum \(h.momentum)")\(h.decoupledWeightDecay ? " decoupled" : "")"
                return try harness.compare(name, [
                    .inOut("parameter", inputs.uniform(count), [count]), .input("gradient", inputs.uniform(count, -0.1, 0.1), [count]),
                    .inOut("momentumBuffer", inputs.uniform(count, -0.05, 0.05), [count]),
                ]) { b, t in
                    try b.sgdStep(h, parameter: t["parameter"]!, gradient: t["gradient"]!, momentumBuffer: t["momentumBuffer"]!)
                }
            }
        case .haarCascadeScan:
            return try haarCascadeComparisons(label)
        }
    }

    /// Identity (evaluation: gather and normalise only) and every augmentation at once, on
    /// odd-sized images with repeated indices.
    static func augmentVariants(imageCount: Int, seed: UInt64) -> [(String, AugmentParameters)] {
        var plain = AugmentParameters(batch: 6, imageCount: imageCount, height: 13, width: 11, seed: seed, epoch: 3)
        plain.mean = 0.5
        plain.std = 0.25
        var augmented = plain
        augmented.flipProbability = 0.5
        augmented.minRotation = -15; augmented.maxRotation = 15
        augmented.minScale = 0.9; augmented.maxScale = 1.1
        augmented.maxTranslation = 3
        augmented.cropPadding = 4
        // The last four of the six indices: a batch taken from the middle of an epoch's order.
        augmented.batch = 4
        augmented.firstIndex = 2
        var erased = augmented
        erased.erasingProbability = 0.7
        var view = plain
        view.flipProbability = 1
        view.viewOffsetX = 3; view.viewOffsetY = -2
        return [("gather+normalise", plain), ("flip+affine+crop", augmented), ("flip+affine+crop+erase", erased),
                ("fixed view (ten-crop)", view)]
    }

    /// Per-channel mean and 1/sqrt(var + eps) of a [rows, channels] input, as the forward pass saves them.
    static func statistics(_ x: [Float], _ g: BatchNormGeometry) -> ([Float], [Float]) {
        var mean = [Float](repeating: 0, count: g.channels), invStd = mean
        for c in 0..<g.channels {
            let column = stride(from: c, to: x.count, by: g.channels).map { Double(x[$0]) }
            let mu = column.reduce(0, +) / Double(g.rows)
            let variance = column.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(g.rows)
            mean[c] = Float(mu)
            invStd[c] = Float(1 / (variance + Double(g.epsilon)).squareRoot())
        }
        return (mean, invStd)
    }
}
