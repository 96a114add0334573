import FERCore
import ReferenceBackend
import Testing

/// Every op with a backward pass, checked against finite differences of its forward pass.
@Suite("reference gradients vs finite differences")
struct GradientCheckTests {
    static let tolerance = 1e-2

    static let convGeometries = [
        Conv2dGeometry(batch: 2, height: 5, width: 4, inChannels: 3, outChannels: 4),
        Conv2dGeometry(batch: 1, height: 7, width: 6, inChannels: 2, outChannels: 3, stride: 2, padding: 1),
        Conv2dGeometry(batch: 2, height: 3, width: 5, inChannels: 4, outChannels: 2, kernelHeight: 1, kernelWidth: 1, padding: 0),
    ]

    @Test(arguments: convGeometries)
    func conv2d(_ g: Conv2dGeometry) throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let x = fd.random(g.inputCount), w = fd.random(g.weightCount), bias = fd.random(g.outChannels), r = fd.random(g.outputCount)
        let dx = try b.makeTensor([g.inputCount], .float32), dw = try b.makeTensor([g.weightCount], .float32)
        let db = try b.makeTensor([g.outChannels], .float32), dy = try b.tensor(r, [g.outputCount])
        try b.conv2dBackwardData(g, outputGrad: dy, weight: try b.tensor(w, [g.weightCount]), inputGrad: dx)
        try b.conv2dBackwardWeights(g, input: try b.tensor(x, [g.inputCount]), outputGrad: dy, weightGrad: dw, biasGrad: db)
        func objective(_ x: [Float], _ w: [Float], _ bias: [Float]) throws -> Double {
            let y = try b.makeTensor([g.outputCount], .float32)
            try b.conv2dForward(g, input: try b.tensor(x, [g.inputCount]), weight: try b.tensor(w, [g.weightCount]),
                                bias: try b.tensor(bias, [g.outChannels]), output: y)
            return try fd.weightedSum(y, r)
        }
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx)) { try objective($0, w, bias) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: w, analytic: try b.floats(dw)) { try objective(x, $0, bias) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: bias, analytic: try b.floats(db)) { try objective(x, w, $0) } < Self.tolerance)
    }

    @Test func batchNorm() throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let g = BatchNormGeometry(rows: 11, channels: 3)
        let x = fd.random(g.count, -2, 2), gamma = fd.random(g.channels, 0.5, 1.5), beta = fd.random(g.channels), r = fd.random(g.count)
        func forward(_ x: [Float], _ gamma: [Float], _ beta: [Float]) throws -> (y: Tensor, mean: Tensor, invStd: Tensor) {
            let y = try b.makeTensor([g.count], .float32)
            let mean = try b.makeTensor([g.channels], .float32), invStd = try b.makeTensor([g.channels], .float32)
            try b.batchNormForwardTraining(g, input: try b.tensor(x, [g.count]), gamma: try b.tensor(gamma, [g.channels]),
                                           beta: try b.tensor(beta, [g.channels]), output: y, savedMean: mean, savedInvStd: invStd,
                                           runningMean: try b.makeTensor([g.channels], .float32),
                                           runningVar: try b.makeTensor([g.channels], .float32))
            return (y, mean, invStd)
        }
        let saved = try forward(x, gamma, beta)
        let dx = try b.makeTensor([g.count], .float32)
        let dGamma = try b.makeTensor([g.channels], .float32), dBeta = try b.makeTensor([g.channels], .float32)
        try b.batchNormBackward(g, input: try b.tensor(x, [g.count]), outputGrad: try b.tensor(r, [g.count]),
                                gamma: try b.tensor(gamma, [g.channels]), savedMean: saved.mean, savedInvStd: saved.invStd,
                                inputGrad: dx, gammaGrad: dGamma, betaGrad: dBeta)
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx), step: 1e-3) { try fd.weightedSum(try forward($0, gamma, beta).y, r) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: gamma, analytic: try b.floats(dGamma), step: 1e-3) { try fd.weightedSum(try forward(x, $0, beta).y, r) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: beta, analytic: try b.floats(dBeta), step: 1e-3) { try fd.weightedSum(try forward(x, gamma, $0).y, r) } < Self.tolerance)
    }

    /// Batch norm (batch statistics) + ReLU + max-pool through the fused ops: the statistics are
    /// recomputed for every perturbed input, as training does.
    @Test(arguments: [PoolGeometry(batch: 2, height: 4, width: 6, channels: 3, fusedReLU: true),
                      PoolGeometry(batch: 2, height: 5, width: 3, channels: 4, fusedReLU: true)])
    func batchNormReLUPool(_ g: PoolGeometry) throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let norm = g.batchNorm
        // Distinct inputs: no window ties; the step below moves no value across another or across 0.
        let x = fd.distinct(g.inputCount), gamma = fd.random(g.channels, 0.5, 1.5), beta = fd.random(g.channels, -0.3, 0.3)
        let r = fd.random(g.outputCount)
        let argmax = try b.makeTensor([g.outputCount], .int32)
        let mean = try b.makeTensor([g.channels], .float32), invStd = try b.makeTensor([g.channels], .float32)
        func forward(_ x: [Float], _ gamma: [Float], _ beta: [Float]) throws -> Tensor {
            let input = try b.tensor(x, [g.inputCount]), gammaTensor = try b.tensor(gamma, [g.channels]), betaTensor = try b.tensor(beta, [g.channels])
            try b.batchNormForwardTraining(norm, input: input, gamma: gammaTensor, beta: betaTensor, output: nil,
                                           savedMean: mean, savedInvStd: invStd, runningMean: try b.makeTensor([g.channels], .float32),
                                           runningVar: try b.makeTensor([g.channels], .float32))
            let y = try b.makeTensor([g.outputCount], .float32)
            try b.batchNormReLUPoolForward(g, input: input, gamma: gammaTensor, beta: betaTensor, mean: mean, invStd: invStd,
                                           output: y, argmax: argmax)
            return y
        }
        let y = try b.floats(try forward(x, gamma, beta))
        #expect(y.contains(0) && y.contains { $0 > 0 }, "the case exercises both sides of the ReLU")
        let dx = try b.makeTensor([g.inputCount], .float32)
        let dGamma = try b.makeTensor([g.channels], .float32), dBeta = try b.makeTensor([g.channels], .float32)
        try b.batchNormReLUPoolBackward(g, input: try b.tensor(x, [g.inputCount]), outputGrad: try b.tensor(r, [g.outputCount]), argmax: argmax,
                                        gamma: try b.tensor(gamma, [g.channels]), mean: mean, invStd: invStd,
                                        inputGrad: dx, gammaGrad: dGamma, betaGrad: dBeta)
        let step: Float = 1e-3
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx), samples: g.inputCount, step: step) {
            try fd.weightedSum(try forward($0, gamma, beta), r) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: gamma, analytic: try b.floats(dGamma), step: step) { try fd.weightedSum(try forward(x, $0, beta), r) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: beta, analytic: try b.floats(dBeta), step: step) { try fd.weightedSum(try forward(x, gamma, $0), r) } < Self.tolerance)
    }

    @Test func relu() throws {
        let fd = FiniteDifference()
        let b = fd.backend
        // Distinct values 2/n apart: a step of 1e-3 never crosses the kink.
        let x = fd.distinct(101), r = fd.random(101)
        func forward(_ x: [Float]) throws -> Tensor {
            let y = try b.makeTensor([x.count], .float32)
            try b.reluForward(input: try b.tensor(x, [x.count]), output: y)
            return y
        }
        let dx = try b.makeTensor([101], .float32)
        try b.reluBackward(output: try forward(x), outputGrad: try b.tensor(r, [101]), inputGrad: dx)
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx), step: 1e-3) { try fd.weightedSum(try forward($0), r) } < Self.tolerance)
    }

    @Test func dropout() throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let p = DropoutParameters(count: 97, rate: 0.4, seed: 99, stream: 5)
        let x = fd.random(p.count), r = fd.random(p.count)
        func forward(_ x: [Float]) throws -> Tensor {
            let y = try b.makeTensor([x.count], .float32)
            try b.dropoutForward(p, input: try b.tensor(x, [x.count]), output: y)
            return y
        }
        let dx = try b.makeTensor([p.count], .float32)
        try b.dropoutBackward(p, outputGrad: try b.tensor(r, [p.count]), inputGrad: dx)
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx)) { try fd.weightedSum(try forward($0), r) } < Self.tolerance)
        let kept = try b.floats(try forward([Float](repeating: 1, count: p.count))).filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - p.scale) < 1e-6 })
        #expect((30...80).contains(kept.count), "about 60% of 97 kept, got \(kept.count)")
    }

    @Test(arguments: [PoolGeometry(batch: 2, height: 5, width: 6, channels: 3), PoolGeometry(batch: 1, height: 4, width: 4, channels: 2),
                      PoolGeometry(batch: 2, height: 5, width: 6, channels: 4, fusedReLU: true)])
    func maxPool(_ g: PoolGeometry) throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let x = fd.distinct(g.inputCount), r = fd.random(g.outputCount)
        let argmax = try b.makeTensor([g.outputCount], .int32)
        func forward(_ x: [Float]) throws -> Tensor {
            let y = try b.makeTensor([g.outputCount], .float32)
            try b.maxPoolForward(g, input: try b.tensor(x, [g.inputCount]), output: y, argmax: argmax)
            return y
        }
        _ = try forward(x)
        let dx = try b.makeTensor([g.inputCount], .float32)
        try b.maxPoolBackward(g, outputGrad: try b.tensor(r, [g.outputCount]), argmax: argmax, inputGrad: dx)
        let step = 0.5 / Float(g.inputCount)  // smaller than the gap between distinct values
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx), samples: g.inputCount, step: step) {
            try fd.weightedSum(try forward($0), r)
        } < Self.tolerance)
    }

    @Test func dense() throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let g = DenseGeometry(batch: 3, inFeatures: 7, outFeatures: 5)
        let x = fd.random(21), w = fd.random(35), bias = fd.random(5), r = fd.random(15)
        func objective(_ x: [Float], _ w: [Float], _ bias: [Float]) throws -> Double {
            let y = try b.makeTensor([15], .float32)
            try b.denseForward(g, input: try b.tensor(x, [3, 7]), weight: try b.tensor(w, [7, 5]), bias: try b.tensor(bias, [5]), output: y)
            return try fd.weightedSum(y, r)
        }
        let dx = try b.makeTensor([21], .float32), dw = try b.makeTensor([35], .float32), db = try b.makeTensor([5], .float32)
        try b.denseBackward(g, input: try b.tensor(x, [3, 7]), weight: try b.tensor(w, [7, 5]), outputGrad: try b.tensor(r, [3, 5]),
                            inputGrad: dx, weightGrad: dw, biasGrad: db)
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx)) { try objective($0, w, bias) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: w, analytic: try b.floats(dw)) { try objective(x, $0, bias) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: bias, analytic: try b.floats(db)) { try objective(x, w, $0) } < Self.tolerance)
    }

    @Test(arguments: [(false, Float(0), Float(1)), (true, 0, 1), (false, 0.1, 1), (true, 0.25, 1), (false, 0, 0.3), (true, 0.1, 0.7)])
    func softmaxCrossEntropy(weighted: Bool, smoothing: Float, mixWeight: Float) throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let g = SoftmaxCrossEntropyGeometry(batch: 5, classes: 7, labelSmoothing: smoothing, mixWeight: mixWeight)
        let z = fd.random(35, -3, 3)
        let labels = try b.intTensor([0, 3, 6, 3, 1], [5])
        let weights = weighted ? try b.tensor(fd.random(7, 0.2, 2), [7]) : nil
        let dz = try b.makeTensor([35], .float32)
        func loss(_ z: [Float]) throws -> Double {
            let l = try b.makeTensor([1], .float32)
            try b.softmaxCrossEntropy(g, logits: try b.tensor(z, [5, 7]), labels: labels, classWeights: weights, loss: l,
                                      logitsGrad: dz, correct: try b.makeTensor([1], .int32))
            return Double(try b.floats(l)[0])
        }
        _ = try loss(z)
        let analytic = try b.floats(dz)
        #expect(try fd.worstMismatch(input: z, analytic: analytic, samples: 35, step: 1e-2) { try loss($0) } < Self.tolerance)
    }

    /// A mixed batch's loss is timm's mixup criterion: λ CE(z, y) + (1 - λ) CE(z, y reversed),
    /// weighted and smoothed as torch's CrossEntropyLoss; its gradient likewise.
    @Test func mixedLossIsTheMixtureOfTheTwoLabelings() throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let z = try b.tensor(fd.random(35, -3, 3), [5, 7])
        let labels: [Int32] = [0, 3, 6, 2, 1]
        let weights = try b.tensor(fd.random(7, 0.2, 2), [7])
        func run(_ labels: [Int32], _ mixWeight: Float) throws -> (Float, [Float]) {
            let l = try b.makeTensor([1], .float32), dz = try b.makeTensor([35], .float32)
            try b.softmaxCrossEntropy(SoftmaxCrossEntropyGeometry(batch: 5, classes: 7, labelSmoothing: 0.1, mixWeight: mixWeight),
                                      logits: z, labels: try b.intTensor(labels, [5]), classWeights: weights, loss: l,
                                      logitsGrad: dz, correct: try b.makeTensor([1], .int32))
            return (try b.floats(l)[0], try b.floats(dz))
        }
        let (own, ownGrad) = try run(labels, 1), (partner, partnerGrad) = try run(labels.reversed(), 1)
        let (mixed, mixedGrad) = try run(labels, 0.3)
        #expect(abs(mixed - (0.3 * own + 0.7 * partner)) < 1e-5, "\(mixed) vs \(0.3 * own + 0.7 * partner)")
        for k in 0..<35 { #expect(abs(mixedGrad[k] - (0.3 * ownGrad[k] + 0.7 * partnerGrad[k])) < 1e-6) }
    }
}
