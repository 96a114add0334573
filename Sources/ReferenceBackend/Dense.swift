import FERCore

/// Dense layer, x [batch, in], W [in, out], b [out]:
///   y = x W + b;  dx = dy W^T;  dW = x^T dy;  db = sum over the batch of dy.
extension ReferenceBackend {
    public func denseForward(_ g: DenseGeometry, input: Tensor, weight: Tensor, bias: Tensor, output: Tensor) throws {
        let op = Op.denseForward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.batch * g.inFeatures, op: op, "input")
        let w = try floats(weight, g.inFeatures * g.outFeatures, op: op, "weight")
        let b = try floats(bias, g.outFeatures, op: op, "bias")
        let y = try floats(output, g.batch * g.outFeatures, op: op, "output")
        for n in 0..<g.batch {
            for o in 0..<g.outFeatures {
                var acc = Double(b[o])
                for i in 0..<g.inFeatures { acc += Double(x[n * g.inFeatures + i]) * Double(w[i * g.outFeatures + o]) }
                y[n * g.outFeatures + o] = Float(acc)
            }
        }
    }

    public func denseBackward(_ g: DenseGeometry, input: Tensor, weight: Tensor, outputGrad: Tensor,
                              inputGrad: Tensor?, weightGrad: Tensor, biasGrad: Tensor) throws {
        let op = Op.denseBackward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.batch * g.inFeatures, op: op, "input")
        let w = try floats(weight, g.inFeatures * g.outFeatures, op: op, "weight")
        let dy = try floats(outputGrad, g.batch * g.outFeatures, op: op, "outputGrad")
        let dx = try inputGrad.map { try floats($0, g.batch * g.inFeatures, op: op, "inputGrad") }
        let dw = try floats(weightGrad, g.inFeatures * g.outFeatures, op: op, "weightGrad")
        let db = try floats(biasGrad, g.outFeatures, op: op, "biasGrad")
        if let dx {
            for n in 0..<g.batch {
                for i in 0..<g.inFeatures {
                    var acc = 0.0
                    for o in 0..<g.outFeatures { acc += Double(dy[n * g.outFeatures + o]) * Double(w[i * g.outFeatures + o]) }
                    dx[n * g.inFeatures + i] = Float(acc)
                }
            }
        }
        for i in 0..<g.inFeatures {
            for o in 0..<g.outFeatures {
                var acc = 0.0
                for n in 0..<g.batch { acc += Double(x[n * g.inFeatures + i]) * Double(dy[n * g.outFeatures + o]) }
                dw[i * g.outFeatures + o] = Float(acc)
            }
        }
        for o in 0..<g.outFeatures {
            var acc = 0.0
            for n in 0..<g.batch { acc += Double(dy[n * g.outFeatures + o]) }
            db[o] = Float(acc)
        }
    }
}
