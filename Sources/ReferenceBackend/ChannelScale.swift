import FERCore

/// Squeeze-and-excitation's channel-wise scale, NHWC, scale s [batch, channels]:
///   y[n, p, c] = x[n, p, c] * s[n, c]
///   dx[n, p, c] = dy[n, p, c] * s[n, c];   ds[n, c] = sum over pixels p of dy[n, p, c] * x[n, p, c]
extension ReferenceBackend {
    public func channelScaleForward(_ g: FeatureMapGeometry, input: Tensor, scale: Tensor, output: Tensor) throws {
        let op = Op.channelScaleForward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.count, op: op, "input")
        let s = try floats(scale, g.pooledCount, op: op, "scale")
        let y = try floats(output, g.count, op: op, "output")
        for n in 0..<g.batch {
            for p in 0..<g.pixels {
                for c in 0..<g.channels {
                    let e = (n * g.pixels + p) * g.channels + c
                    y[e] = Float(Double(x[e]) * Double(s[n * g.channels + c]))
                }
            }
        }
    }

    public func channelScaleBackward(_ g: FeatureMapGeometry, input: Tensor, scale: Tensor, outputGrad: Tensor,
                                     inputGrad: Tensor, scaleGrad: Tensor) throws {
        let op = Op.channelScaleBackward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.count, op: op, "input")
        let s = try floats(scale, g.pooledCount, op: op, "scale")
        let dy = try floats(outputGrad, g.count, op: op, "outputGrad")
        let dx = try floats(inputGrad, g.count, op: op, "inputGrad")
        let ds = try floats(scaleGrad, g.pooledCount, op: op, "scaleGrad")
        for n in 0..<g.batch {
            for c in 0..<g.channels {
                var sum = 0.0
                for p in 0..<g.pixels {
                    let e = (n * g.pixels + p) * g.channels + c
                    sum += Double(dy[e]) * Double(x[e])
                    dx[e] = Float(Double(dy[e]) * Double(s[n * g.channels + c]))
                }
                ds[n * g.channels + c] = Float(sum)
            }
        }
    }
}
