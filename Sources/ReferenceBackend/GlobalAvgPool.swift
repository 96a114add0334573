import FERCore

/// Global average pooling over the pixels of each image and channel, NHWC:
///   y[n, c] = sum over pixels p of x[n, p, c] / P;   dx[n, p, c] = dy[n, c] / P   (P = height * width).
extension ReferenceBackend {
    public func globalAvgPoolForward(_ g: FeatureMapGeometry, input: Tensor, output: Tensor) throws {
        let op = Op.globalAvgPoolForward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.count, op: op, "input")
        let y = try floats(output, g.pooledCount, op: op, "output")
        for n in 0..<g.batch {
            for c in 0..<g.channels {
                var sum = 0.0
                for p in 0..<g.pixels { sum += Double(x[(n * g.pixels + p) * g.channels + c]) }
                y[n * g.channels + c] = Float(sum / Double(g.pixels))
            }
        }
    }

    public func globalAvgPoolBackward(_ g: FeatureMapGeometry, outputGrad: Tensor, inputGrad: Tensor) throws {
        let op = Op.globalAvgPoolBackward
        try g.validate(op: op.rawValue)
        let dy = try floats(outputGrad, g.pooledCount, op: op, "outputGrad")
        let dx = try floats(inputGrad, g.count, op: op, "inputGrad")
        for n in 0..<g.batch {
            for p in 0..<g.pixels {
                for c in 0..<g.channels {
                    dx[(n * g.pixels + p) * g.channels + c] = Float(Double(dy[n * g.channels + c]) / Double(g.pixels))
                }
            }
        }
    }
}
