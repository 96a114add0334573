import FERCore
import Foundation
import OpenCLBackend
import Testing
import Verification

/// A backend that keeps prepared weights (OpenCLBackend/PreparedWeights.swift) computes what
/// one that prepares them on every call does, before and after the weights are written by each
/// op that writes weights, and never serves a freed weight's form to a new tensor.
@Suite(.serialized) struct PreparedWeightsTests {
    /// Winograd (3x3, 16 -> 32 on 6x6) and the packed GEMM (5x5, 16 -> 20: columns past 20 padded).
    static let geometries = [
        Conv2dGeometry(batch: 2, height: 6, width: 6, inChannels: 16, outChannels: 32),
        Conv2dGeometry(batch: 2, height: 6, width: 6, inChannels: 16, outChannels: 20, kernelHeight: 5, kernelWidth: 5, padding: 2),
    ]

    static func values(_ count: Int, seed: Double) -> [Float] {
        (0..<count).map { Float(sin(Double($0) * 12.9898 + seed) * 0.5) }
    }

    static func row() -> GemmTuning {
        var row = GemmTuning.defaultRow
        row.winograd = 4
        return row
    }

    /// conv(x, weights) on `backend`, the weights written fresh: the reference result.
    static func freshOutput(_ g: Conv2dGeometry, input: [Float], weights: [Float]) throws -> [Float] {
        let backend = try OpenCLBackend(deviceRequest: nil, gemm: row())
        let y = try backend.makeTensor([g.outputCount], .float32)
        try backend.conv2dForward(g, input: try backend.tensor(input, [g.inputCount]),
                                  weight: try backend.tensor(weights, [g.weightCount]), bias: nil, output: y)
        return try backend.floats(y)
    }

    @Test(arguments: geometries)
    func keptFormsFollowEveryWrite(g: Conv2dGeometry) throws {
        let backend = try OpenCLBackend(deviceRequest: nil, gemm: Self.row(), keepsPreparedWeights: true)
        let input = Self.values(g.inputCount, seed: 1)
        let x = try backend.tensor(input, [g.inputCount])
        let w = try backend.tensor(Self.values(g.weightCount, seed: 2), [g.weightCount])
        let y = try backend.makeTensor([g.outputCount], .float32)
        func output() throws -> [Float] {
            try backend.conv2dForward(g, input: x, weight: w, bias: nil, output: y)
            return try backend.floats(y)
        }

        let first = try output()
        #expect(Comparison.relativeError(first, try Self.freshOutput(g, input: input, weights: Self.values(g.weightCount, seed: 2))) == 0)
        #expect(backend.keptPreparedWeightCount == 1)
        #expect(Comparison.relativeError(try output(), first) == 0)
        #expect(backend.keptPreparedWeightCount == 1, "the second call reuses the kept form")

        let rewritten = Self.values(g.weightCount, seed: 3)
        try backend.upload(rewritten, to: w)
        let afterWrite = try output()
        #expect(Comparison.relativeError(afterWrite, first) > 0)
        #expect(Comparison.relativeError(afterWrite, try Self.freshOutput(g, input: input, weights: rewritten)) == 0)

        let gradient = try backend.tensor(Self.values(g.weightCount, seed: 4), [g.weightCount])
        let momentum = try backend.makeTensor([g.weightCount], .float32)
        try backend.sgdStep(SGDHyperparameters(learningRate: 0.1), parameter: w, gradient: gradient, momentumBuffer: momentum)
        let stepped = try backend.floats(w)
        let afterStep = try output()
        #expect(Comparison.relativeError(afterStep, afterWrite) > 0)
        #expect(Comparison.relativeError(afterStep, try Self.freshOutput(g, input: input, weights: stepped)) == 0)

        let firstMoment = try backend.makeTensor([g.weightCount], .float32), secondMoment = try backend.makeTensor([g.weightCount], .float32)
        try backend.adamStep(AdamHyperparameters(step: 1), parameter: w, gradient: gradient, firstMoment: firstMoment, secondMoment: secondMoment)
        let adamStepped = try backend.floats(w)
        let afterAdam = try output()
        #expect(Comparison.relativeError(afterAdam, afterStep) > 0)
        #expect(Comparison.relativeError(afterAdam, try Self.freshOutput(g, input: input, weights: adamStepped)) == 0)

        let average = try backend.tensor(Self.values(g.weightCount, seed: 5), [g.weightCount])
        try backend.emaUpdate(decay: 0, average: w, value: average)
        #expect(Comparison.relativeError(try output(), try Self.freshOutput(g, input: input, weights: Self.values(g.weightCount, seed: 5))) == 0)
    }

    /// Dense layers read their packed panels the same way (7 classes: columns past 7 padded).
    @Test func denseFormsFollowWrites() throws {
        let g = DenseGeometry(batch: 3, inFeatures: 40, outFeatures: 7)
        let input = Self.values(g.batch * g.inFeatures, seed: 1), bias = Self.values(g.outFeatures, seed: 6)
        func run(_ backend: OpenCLBackend, _ w: Tensor) throws -> [Float] {
            let y = try backend.makeTensor([g.batch * g.outFeatures], .float32)
            try backend.denseForward(g, input: try backend.tensor(input, [input.count]), weight: w,
                                     bias: try backend.tensor(bias, [bias.count]), output: y)
            return try backend.floats(y)
        }
        func fresh(_ weights: [Float]) throws -> [Float] {
            let backend = try OpenCLBackend(deviceRequest: nil, gemm: Self.row())
            return try run(backend, try backend.tensor(weights, [weights.count]))
        }
        let backend = try OpenCLBackend(deviceRequest: nil, gemm: Self.row(), keepsPreparedWeights: true)
        let count = g.inFeatures * g.outFeatures
        let w = try backend.tensor(Self.values(count, seed: 2), [count])
        let first = try run(backend, w)
        #expect(Comparison.relativeError(first, try fresh(Self.values(count, seed: 2))) == 0)
        #expect(Comparison.relativeError(try run(backend, w), first) == 0)
        #expect(backend.keptPreparedWeightCount == 1)
        try backend.upload(Self.values(count, seed: 3), to: w)
        #expect(Comparison.relativeError(try run(backend, w), try fresh(Self.values(count, seed: 3))) == 0)
    }

    /// A new weight tensor that no op has written (all zeros) gets its own form, whatever
    /// identifier its storage reuses, and a freed weight's forms are dropped (`report` scores
    /// one model after another on one backend).
    @Test func aFreedWeightsFormIsNotReused() throws {
        let g = Self.geometries[0]
        let backend = try OpenCLBackend(deviceRequest: nil, gemm: Self.row(), keepsPreparedWeights: true)
        let x = try backend.tensor(Self.values(g.inputCount, seed: 1), [g.inputCount])
        let y = try backend.makeTensor([g.outputCount], .float32)
        for _ in 0..<3 {
            do {
                let w = try backend.tensor(Self.values(g.weightCount, seed: 2), [g.weightCount])
                try backend.conv2dForward(g, input: x, weight: w, bias: nil, output: y)
                #expect(try backend.floats(y).contains { $0 != 0 })
                #expect(backend.keptPreparedWeightCount == 1)
            }
            let zeros = try backend.makeTensor([g.weightCount], .float32)
            try backend.conv2dForward(g, input: x, weight: zeros, bias: nil, output: y)
            #expect(try backend.floats(y).allSatisfy { $0 == 0 })
            #expect(backend.keptPreparedWeightCount == 1, "the freed weight's form is dropped")
        }
    }
}
