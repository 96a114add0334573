import FERCore
import Foundation

/// ReLU, sigmoid and inverted dropout: one output element per input element.
extension ReferenceBackend {
    public func reluForward(input: Tensor, output: Tensor) throws {
        let x = try floats(input, input.count, op: .reluForward, "input")
        let y = try floats(output, input.count, op: .reluForward, "output")
        for e in 0..<input.count { y[e] = x[e] > 0 ? x[e] : 0 }
    }

    public func reluBackward(output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        let y = try floats(output, output.count, op: .reluBackward, "output")
        let dy = try floats(outputGrad, output.count, op: .reluBackward, "outputGrad")
        let dx = try floats(inputGrad, output.count, op: .reluBackward, "inputGrad")
        for e in 0..<output.count { dx[e] = y[e] > 0 ? dy[e] : 0 }
    }

    /// y = 1 / (1 + exp(-x)), in Float64.
    public func sigmoidForward(input: Tensor, output: Tensor) throws {
        let x = try floats(input, input.count, op: .sigmoidForward, "input")
        let y = try floats(output, input.count, op: .sigmoidForward, "output")
        for e in 0..<input.count { y[e] = Float(1 / (1 + exp(-Double(x[e])))) }
    }

    public func sigmoidBackward(output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        let y = try floats(output, output.count, op: .sigmoidBackward, "output")
        let dy = try floats(outputGrad, output.count, op: .sigmoidBackward, "outputGrad")
        let dx = try floats(inputGrad, output.count, op: .sigmoidBackward, "inputGrad")
        for e in 0..<output.count { dx[e] = Float(Double(dy[e]) * Double(y[e]) * (1 - Double(y[e]))) }
    }

    /// Element i is kept when Philox.uniform(seed, stream, i) >= rate, then scaled by 1/(1-rate).
    public func dropoutForward(_ p: DropoutParameters, input: Tensor, output: Tensor) throws {
        try p.validate(op: Op.dropoutForward.rawValue)
        let x = try floats(input, p.count, op: .dropoutForward, "input")
        let y = try floats(output, p.count, op: .dropoutForward, "output")
        applyDropoutMask(p, from: x, to: y)
    }

    /// The same mask as the forward pass, recomputed from (seed, stream): nothing is stored.
    public func dropoutBackward(_ p: DropoutParameters, outputGrad: Tensor, inputGrad: Tensor) throws {
        try p.validate(op: Op.dropoutBackward.rawValue)
        let dy = try floats(outputGrad, p.count, op: .dropoutBackward, "outputGrad")
        let dx = try floats(inputGrad, p.count, op: .dropoutBackward, "inputGrad")
        applyDropoutMask(p, from: dy, to: dx)
    }

    private func applyDropoutMask(_ p: DropoutParameters, from source: UnsafeMutablePointer<Float>, to target: UnsafeMutablePointer<Float>) {
        let scale = p.scale
        for e in 0..<p.count {
            let keep = Philox.uniform(seed: p.seed, stream: p.stream, index: UInt64(e)) >= p.rate
            target[e] = keep ? source[e] * scale : 0
        }
    }
}
