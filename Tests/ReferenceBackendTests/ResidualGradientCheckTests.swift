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
