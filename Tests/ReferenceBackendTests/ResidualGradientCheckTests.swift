import FERCore
import ReferenceBackend
import Testing

/// The ops of residual and squeeze-and-excitation networks against finite differences of
/// their forward passes (the objective and tolerance of `GradientCheckTests`).
@Suite("reference gradients vs finite differences: residual and SE ops")
struct ResidualGradientCheckTests {
    static let tolerance = GradientCheckTests.tolerance

    /// The gradient of a join reaches both operands unchanged, or through the ReLU of the sum.
    @Test(arguments: [false, true])
    func add(fusedReLU: Bool) throws {
        let fd = FiniteDifference()
        let b = fd.backend
        // a is distinct (an even count: at least 1/100 from 0) and |b| <= 0.001: a step of 1e-3 never moves a + b across 0.
        let a = fd.distinct(100), other = fd.random(100, -1e-3, 1e-3), r = fd.random(100)
        func forward(_ a: [Float], _ other: [Float]) throws -> Tensor {
            let y = try b.makeTensor([100], .float32)
            try b.add(a: try b.tensor(a, [100]), b: try b.tensor(other, [100]), output: y, fusedReLU: fusedReLU)
            return y
        }
        let y = try forward(a, other)
        if fusedReLU { #expect(try b.floats(y).contains(0), "the case exercises both sides of the ReLU") }
        var gradient = r
        if fusedReLU {
            let dx = try b.makeTensor([100], .float32)
            try b.reluBackward(output: y, outputGrad: try b.tensor(r, [100]), inputGrad: dx)
            gradient = try b.floats(dx)
        }
        #expect(try fd.worstMismatch(input: a, analytic: gradient, step: 1e-3) { try fd.weightedSum(try forward($0, other), r) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: other, analytic: gradient, step: 1e-3) { try fd.weightedSum(try forward(a, $0), r) } < Self.tolerance)
    }

    @Test func sigmoid() throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let x = fd.random(97, -6, 6), r = fd.random(97)
        func forward(_ x: [Float]) throws -> Tensor {
            let y = try b.makeTensor([x.count], .float32)
            try b.sigmoidForward(input: try b.tensor(x, [x.count]), output: y)
            return y
        }
        let dx = try b.makeTensor([97], .float32)
        try b.sigmoidBackward(output: try forward(x), outputGrad: try b.tensor(r, [97]), inputGrad: dx)
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx), step: 1e-2) { try fd.weightedSum(try forward($0), r) } < Self.tolerance)
    }

    @Test(arguments: [FeatureMapGeometry(batch: 2, height: 3, width: 4, channels: 5), FeatureMapGeometry(batch: 3, height: 1, width: 1, channels: 4)])
    func globalAvgPool(_ g: FeatureMapGeometry) throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let x = fd.random(g.count), r = fd.random(g.pooledCount)
        let dx = try b.makeTensor([g.count], .float32)
        try b.globalAvgPoolBackward(g, outputGrad: try b.tensor(r, [g.pooledCount]), inputGrad: dx)
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx)) {
            let y = try b.makeTensor([g.pooledCount], .float32)
            try b.globalAvgPoolForward(g, input: try b.tensor($0, [g.count]), output: y)
            return try fd.weightedSum(y, r)
        } < Self.tolerance)
    }

    @Test func channelScale() throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let g = FeatureMapGeometry(batch: 2, height: 3, width: 2, channels: 5)
        let x = fd.random(g.count), s = fd.random(g.pooledCount, 0, 1), r = fd.random(g.count)
        func objective(_ x: [Float], _ s: [Float]) throws -> Double {
            let y = try b.makeTensor([g.count], .float32)
            try b.channelScaleForward(g, input: try b.tensor(x, [g.count]), scale: try b.tensor(s, [g.pooledCount]), output: y)
            return try fd.weightedSum(y, r)
        }
        let dx = try b.makeTensor([g.count], .float32), ds = try b.makeTensor([g.pooledCount], .float32)
        try b.channelScaleBackward(g, input: try b.tensor(x, [g.count]), scale: try b.tensor(s, [g.pooledCount]),
                                   outputGrad: try b.tensor(r, [g.count]), inputGrad: dx, scaleGrad: ds)
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx)) { try objective($0, s) } < Self.tolerance)
        #expect(try fd.worstMismatch(input: s, analytic: try b.floats(ds)) { try objective(x, $0) } < Self.tolerance)
    }
}

/// Batch norm (batch statistics) + ReLU through the fused ops, the statistics recomputed for
/// every perturbed input as training does (the pattern of `GradientCheckTests.batchNormReLUPool`).
@Suite("reference gradients vs finite differences: batch norm + ReLU")
struct BatchNormReLUGradientCheckTests {
    @Test(arguments: [BatchNormGeometry(rows: 12, channels: 3), BatchNormGeometry(rows: 10, channels: 4)])
    func batchNormReLU(_ g: BatchNormGeometry) throws {
        let fd = FiniteDifference()
        let b = fd.backend
        let x = fd.distinct(g.count), gamma = fd.random(g.channels, 0.5, 1.5), beta = fd.random(g.channels, -0.3, 0.3)
        let r = fd.random(g.count)
        let mean = try b.makeTensor([g.channels], .float32), invStd = try b.makeTensor([g.channels], .float32)
        func forward(_ x: [Float], _ gamma: [Float], _ beta: [Float]) throws -> Tensor {
            let input = try b.tensor(x, [g.count]), gammaTensor = try b.tensor(gamma, [g.channels]), betaTensor = try b.tensor(beta, [g.channels])
            try b.batchNormForwardTraining(g, input: input, gamma: gammaTensor, beta: betaTensor, output: nil, savedMean: mean, savedInvStd: invStd,
                                           runningMean: try b.makeTensor([g.channels], .float32), runningVar: try b.makeTensor([g.channels], .float32))
            let y = try b.makeTensor([g.count], .float32)
            try b.batchNormReLUForward(g, input: input, gamma: gammaTensor, beta: betaTensor, statistics: .batch(mean: mean, invStd: invStd), output: y)
            return y
        }
        let y = try b.floats(try forward(x, gamma, beta))
        #expect(y.contains(0) && y.contains { $0 > 0 }, "the case exercises both sides of the ReLU")
        let dx = try b.makeTensor([g.count], .float32)
        let dGamma = try b.makeTensor([g.channels], .float32), dBeta = try b.makeTensor([g.channels], .float32)
        try b.batchNormReLUBackward(g, input: try b.tensor(x, [g.count]), outputGrad: try b.tensor(r, [g.count]), gamma: try b.tensor(gamma, [g.channels]),
                                    beta: try b.tensor(beta, [g.channels]), mean: mean, invStd: invStd, inputGrad: dx, gammaGrad: dGamma, betaGrad: dBeta)
        let step: Float = 1e-3
        let tolerance = GradientCheckTests.tolerance
        #expect(try fd.worstMismatch(input: x, analytic: try b.floats(dx), samples: g.count, step: step) {
            try fd.weightedSum(try forward($0, gamma, beta), r) } < tolerance)
        #expect(try fd.worstMismatch(input: gamma, analytic: try b.floats(dGamma), step: step) { try fd.weightedSum(try forward(x, $0, beta), r) } < tolerance)
        #expect(try fd.worstMismatch(input: beta, analytic: try b.floats(dBeta), step: step) { try fd.weightedSum(try forward(x, gamma, $0), r) } < tolerance)
    }

    /// With running statistics the fused op is `batchNormForwardInference` followed by ReLU.
    @Test func runningStatisticsEqualInferenceThenReLU() throws {
        let b = ReferenceBackend()
        let g = BatchNormGeometry(rows: 4, channels: 2)
        let x = try b.tensor([1, -2, 0.5, 3, -1, 2, 4, -0.5] as [Float], [8])
        let gamma = try b.tensor([1.5, 0.5] as [Float], [2]), beta = try b.tensor([-0.2, 0.3] as [Float], [2])
        let mean = try b.tensor([0.5, 1] as [Float], [2]), variance = try b.tensor([2, 0.25] as [Float], [2])
        let fused = try b.makeTensor([8], .float32), plain = try b.makeTensor([8], .float32), expected = try b.makeTensor([8], .float32)
        try b.batchNormReLUForward(g, input: x, gamma: gamma, beta: beta, statistics: .running(mean: mean, variance: variance), output: fused)
        try b.batchNormForwardInference(g, input: x, gamma: gamma, beta: beta, runningMean: mean, runningVar: variance, output: plain)
        try b.reluForward(input: plain, output: expected)
        #expect(try b.floats(fused) == (try b.floats(expected)))
        #expect(try b.floats(fused).contains(0) && (try b.floats(fused)).contains { $0 > 0 })
    }
}
