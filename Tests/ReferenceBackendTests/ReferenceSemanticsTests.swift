import FERCore
import ReferenceBackend
import Testing

/// Hand-computed cases that pin the reference to PyTorch's definitions, where finite
/// differences cannot: forward values, tie-breaking, running statistics, Adam.
@Suite struct ReferenceSemanticsTests {
    let b = ReferenceBackend()

    @Test func convolutionWithPaddingSumsTheNeighbourhood() throws {
        // All-ones 3x3 kernel over a 3x3 image of 1...9, padding 1: each output is the sum of its neighbourhood.
        let g = Conv2dGeometry(batch: 1, height: 3, width: 3, inChannels: 1, outChannels: 1)
        let y = try b.makeTensor([9], .float32)
        try b.conv2dForward(g, input: try b.tensor((1...9).map(Float.init), [9]), weight: try b.tensor([Float](repeating: 1, count: 9), [9]),
                            bias: try b.tensor([0.5] as [Float], [1]), output: y)
        #expect(try b.floats(y) == [12, 21, 16, 27, 45, 33, 24, 39, 28].map { $0 + 0.5 })
    }

    @Test func addIntoItsOwnOperandAccumulates() throws {
        // Gradient fan-in: the second gradient is added into the first in place.
        let first = try b.tensor([1, -2, 3, 0.5, -4] as [Float], [5])
        try b.add(a: first, b: try b.tensor([10, 20, 30, 40, 50] as [Float], [5]), output: first)
        #expect(try b.floats(first) == [11, 18, 33, 40.5, 46])
        let y = try b.makeTensor([5], .float32)
        try b.add(a: try b.tensor([1, -2, 3, 0, -4] as [Float], [5]), b: try b.tensor([1, 1, -4, 0, 5] as [Float], [5]), output: y, fusedReLU: true)
        #expect(try b.floats(y) == [2, 0, 0, 0, 1])
    }

    @Test func maxPoolTakesTheFirstOfEqualValues() throws {
        let g = PoolGeometry(batch: 1, height: 2, width: 3, channels: 1)
        let y = try b.makeTensor([1], .float32), argmax = try b.makeTensor([1], .int32)
        try b.maxPoolForward(g, input: try b.tensor([1, 7, 9, 7, 2, 9] as [Float], [6]), output: y, argmax: argmax)
        #expect(try b.floats(y) == [7])
        #expect(try b.ints(argmax) == [1])
    }

    @Test func fusedReLUPoolEqualsReLUThenPool() throws {
        // Windows (columns 0-1 of both rows): {-3, -1, -2, -5} -> all negative; {-3, 4, ...} -> 4.
        let g = PoolGeometry(batch: 1, height: 2, width: 4, channels: 1, fusedReLU: true)
        let y = try b.makeTensor([2], .float32), argmax = try b.makeTensor([2], .int32)
        try b.maxPoolForward(g, input: try b.tensor([-3, -1, -3, 4, -2, -5, 0.5, 1] as [Float], [8]), output: y, argmax: argmax)
        #expect(try b.floats(y) == [0, 4])
        #expect(try b.ints(argmax) == [-1, 1])
        let dx = try b.makeTensor([8], .float32)
        try b.maxPoolBackward(g, outputGrad: try b.tensor([10, 20] as [Float], [2]), argmax: argmax, inputGrad: dx)
        #expect(try b.floats(dx) == [0, 0, 0, 20, 0, 0, 0, 0])
        // Without the fused ReLU, -1 is not a window position.
        #expect(throws: BackendError.self) {
            try b.maxPoolBackward(PoolGeometry(batch: 1, height: 2, width: 4, channels: 1), outputGrad: try b.tensor([10, 20] as [Float], [2]),
                                  argmax: argmax, inputGrad: dx)
        }
    }

    @Test func batchNormUpdatesRunningStatisticsLikePyTorch() throws {
        let g = BatchNormGeometry(rows: 4, channels: 1, momentum: 0.1)
        let mean = try b.tensor([0] as [Float], [1]), variance = try b.tensor([1] as [Float], [1])
        let y = try b.makeTensor([4], .float32)
        try b.batchNormForwardTraining(g, input: try b.tensor([1, 2, 3, 4] as [Float], [4]), gamma: try b.tensor([1] as [Float], [1]), beta: try b.tensor([0] as [Float], [1]),
                                       output: y, savedMean: try b.makeTensor([1], .float32), savedInvStd: try b.makeTensor([1], .float32),
                                       runningMean: mean, runningVar: variance)
        // batch mean 2.5, biased variance 1.25, unbiased 5/3
        #expect(abs(try b.floats(mean)[0] - 0.25) < 1e-6)
        #expect(abs(try b.floats(variance)[0] - (0.9 + 0.1 * 5 / 3)) < 1e-6)
        let expected = [1, 2, 3, 4].map { (Float($0) - 2.5) / (1.25 + 1e-5).squareRoot() }
        #expect(zip(try b.floats(y), expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func adamMatchesPyTorchArithmeticOverThreeSteps() throws {
        // Independent Float64 transcription of torch.optim.Adam (weight_decay 0.1, L2 form).
        let lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1
        var p = [0.5, -1.0, 2.0], m = [0.0, 0, 0], v = [0.0, 0, 0]
        let grads = [[0.1, -0.2, 0.3], [0.05, 0.0, -0.4], [-0.3, 0.2, 0.1]]
        let parameter = try b.tensor(p.map(Float.init), [3])
        let first = try b.makeTensor([3], .float32), second = try b.makeTensor([3], .float32)
        for (t, g) in grads.enumerated() {
            let step = t + 1
            try b.adamStep(AdamHyperparameters(learningRate: Float(lr), weightDecay: Float(wd), step: step), parameter: parameter,
                           gradient: try b.tensor(g.map(Float.init), [3]), firstMoment: first, secondMoment: second)
            for i in 0..<3 {
                let gi = g[i] + wd * p[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                let stepSize = lr / (1 - pow(b1, Double(step)))
                p[i] -= stepSize * m[i] / (v[i].squareRoot() / (1 - pow(b2, Double(step))).squareRoot() + eps)
            }
        }
        #expect(zip(try b.floats(parameter), p).allSatisfy { abs(Double($0) - $1) < 1e-6 })
    }

    @Test func operandSizesAreChecked() throws {
        let g = DenseGeometry(batch: 2, inFeatures: 3, outFeatures: 4)
        #expect(throws: BackendError.sizeMismatch(op: "dense_forward", operand: "output", expected: 8, actual: 7)) {
            try b.denseForward(g, input: try b.makeTensor([6], .float32), weight: try b.makeTensor([12], .float32),
                               bias: try b.makeTensor([4], .float32), output: try b.makeTensor([7], .float32))
        }
        #expect(throws: BackendError.self) {
            try b.softmaxCrossEntropy(SoftmaxCrossEntropyGeometry(batch: 1, classes: 3), logits: try b.makeTensor([3], .float32),
                                      labels: try b.intTensor([5], [1]), classWeights: nil, loss: try b.makeTensor([1], .float32),
                                      logitsGrad: try b.makeTensor([3], .float32), correct: try b.makeTensor([1], .int32))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
