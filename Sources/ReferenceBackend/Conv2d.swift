import FERCore

/// Convolution, NHWC input, [kh, kw, ic, oc] weights:
///   y[n, oy, ox, o] = b[o] + sum_{ky, kx, i} x[n, oy*s - p + ky, ox*s - p + kx, i] * W[ky, kx, i, o]
/// with x = 0 outside the image. The backward passes are the same sum read two other ways.
extension ReferenceBackend {
    /// Visits every (output pixel, kernel tap) pair whose input pixel lies inside the image,
    /// with the element offsets of that output pixel's channels, the input pixel's channels
    /// and the tap's weight block. All three convolution passes are this loop.
    private func forEachTap(_ g: Conv2dGeometry, _ body: (_ outBase: Int, _ inBase: Int, _ weightBase: Int) -> Void) {
        for n in 0..<g.batch {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    let outBase = ((n * g.outHeight + oy) * g.outWidth + ox) * g.outChannels
                    for ky in 0..<g.kernelHeight {
                        let iy = oy * g.stride - g.padding + ky
                        guard iy >= 0, iy < g.height else { continue }
                        for kx in 0..<g.kernelWidth {
                            let ix = ox * g.stride - g.padding + kx
                            guard ix >= 0, ix < g.width else { continue }
                            let inBase = ((n * g.height + iy) * g.width + ix) * g.inChannels
                            let weightBase = (ky * g.kernelWidth + kx) * g.inChannels * g.outChannels
                            body(outBase, inBase, weightBase)
                        }
                    }
                }
            }
        }
    }

    public func conv2dForward(_ g: Conv2dGeometry, input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws {
        let op = Op.conv2dForward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.inputCount, op: op, "input")
        let w = try floats(weight, g.weightCount, op: op, "weight")
        let b = try bias.map { try floats($0, g.outChannels, op: op, "bias") }
        let y = try floats(output, g.outputCount, op: op, "output")
        var sum = [Double](repeating: 0, count: g.outputCount)
        forEachTap(g) { outBase, inBase, weightBase in
            for i in 0..<g.inChannels {
                let xv = Double(x[inBase + i])
                let row = weightBase + i * g.outChannels
                for o in 0..<g.outChannels { sum[outBase + o] += xv * Double(w[row + o]) }
            }
        }
        for e in 0..<g.outputCount { y[e] = Float(sum[e] + Double(b?[e % g.outChannels] ?? 0)) }
    }

    /// dx[n, iy, ix, i] = sum over the taps that read it of dy[n, oy, ox, o] * W[ky, kx, i, o].
    public func conv2dBackwardData(_ g: Conv2dGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws {
        let op = Op.conv2dBackwardData
        try g.validate(op: op.rawValue)
        let dy = try floats(outputGrad, g.outputCount, op: op, "outputGrad")
        let w = try floats(weight, g.weightCount, op: op, "weight")
        let dx = try floats(inputGrad, g.inputCount, op: op, "inputGrad")
        var sum = [Double](repeating: 0, count: g.inputCount)
        forEachTap(g) { outBase, inBase, weightBase in
            for i in 0..<g.inChannels {
                let row = weightBase + i * g.outChannels
                var acc = 0.0
                for o in 0..<g.outChannels { acc += Double(dy[outBase + o]) * Double(w[row + o]) }
                sum[inBase + i] += acc
            }
        }
        for e in 0..<g.inputCount { dx[e] = Float(sum[e]) }
    }

    /// dW[ky, kx, i, o] = sum_{n, oy, ox} x[n, iy, ix, i] * dy[n, oy, ox, o]; db[o] = sum dy[..., o].
    public func conv2dBackwardWeights(_ g: Conv2dGeometry, input: Tensor, outputGrad: Tensor, weightGrad: Tensor, biasGrad: Tensor?) throws {
        let op = Op.conv2dBackwardWeights
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.inputCount, op: op, "input")
        let dy = try floats(outputGrad, g.outputCount, op: op, "outputGrad")
        let dw = try floats(weightGrad, g.weightCount, op: op, "weightGrad")
        let db = try biasGrad.map { try floats($0, g.outChannels, op: op, "biasGrad") }
        var sum = [Double](repeating: 0, count: g.weightCount)
        forEachTap(g) { outBase, inBase, weightBase in
            for i in 0..<g.inChannels {
                let xv = Double(x[inBase + i])
                let row = weightBase + i * g.outChannels
                for o in 0..<g.outChannels { sum[row + o] += xv * Double(dy[outBase + o]) }
            }
        }
        for e in 0..<g.weightCount { dw[e] = Float(sum[e]) }
        if let db {
            var biasSum = [Double](repeating: 0, count: g.outChannels)
            for e in 0..<g.outputCount { biasSum[e % g.outChannels] += Double(dy[e]) }
            for o in 0..<g.outChannels { db[o] = Float(biasSum[o]) }
        }
    }
}
