import FERCore

/// Dense layer. A dense layer is a 1x1 convolution of 1x1 images, so the fast variants are the
/// convolution's register-tiled kernels (Conv2d.swift, Kernels/conv_tiled.cl):
///   y  = x w + b   forward product, weights packed into column panels (any sizes)
///   dx = dy w^T    the same product with the transposed weights packed (any sizes)
///   dw = x^T dy    the weight-gradient kernel (outFeatures % 16 == 0)
/// and the one-output-per-work-item kernels of Kernels/gemm.cl otherwise. Bias gradient by `column_sum`.
extension OpenCLBackend {
    public func denseForward(_ g: DenseGeometry, input: Tensor, weight: Tensor, bias: Tensor, output: Tensor) throws {
        let op = Op.denseForward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.batch * g.inFeatures, op: op, "input")
        let w = try operand(weight, g.inFeatures * g.outFeatures, op: op, "weight")
        let b = try operand(bias, g.outFeatures, op: op, "bias")
        let y = try operand(output, g.batch * g.outFeatures, op: op, "output")
        try profiledOp("\(op.rawValue) \(g.batch)x\(g.inFeatures)->\(g.outFeatures)", flops: g.flops) {
            if tuning.gemm.enabled {
                try tiledProduct(ImplicitGemm(dense: g.batch, inFeatures: g.inFeatures, outFeatures: g.outFeatures),
                                 input: x, weight: w, bias: b, flipped: false, output: y)
                return
            }
            let (columns, rows) = tuning.tile2D
            try launch("dense_forward", file: "gemm.cl", global: [g.outFeatures, g.batch], local: [columns, rows],
                       [x, w, b, y, .int(g.batch), .int(g.inFeatures), .int(g.outFeatures)])
        }
    }

    public func denseBackward(_ g: DenseGeometry, input: Tensor, weight: Tensor, outputGrad: Tensor,
                              inputGrad: Tensor?, weightGrad: Tensor, biasGrad: Tensor) throws {
        let op = Op.denseBackward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.batch * g.inFeatures, op: op, "input")
        let w = try operand(weight, g.inFeatures * g.outFeatures, op: op, "weight")
        let dy = try operand(outputGrad, g.batch * g.outFeatures, op: op, "outputGrad")
        let dx = try inputGrad.map { try operand($0, g.batch * g.inFeatures, op: op, "inputGrad") }
        let dw = try operand(weightGrad, g.inFeatures * g.outFeatures, op: op, "weightGrad")
        let db = try operand(biasGrad, g.outFeatures, op: op, "biasGrad")
        let (columns, rows) = tuning.tile2D
        let sizes: [KernelArgument] = [.int(g.batch), .int(g.inFeatures), .int(g.outFeatures)]
        let shape = "\(g.batch)x\(g.inFeatures)->\(g.outFeatures)"
        if let dx {
            try profiledOp("dense_backward_data \(shape)", flops: g.flops) {
                if tuning.gemm.enabled {
                    // dx = dy w^T: the product of dy [batch, out] with w^T packed from w [in, out].
                    try tiledProduct(ImplicitGemm(dense: g.batch, inFeatures: g.outFeatures, outFeatures: g.inFeatures),
                                     input: dy, weight: w, bias: nil, flipped: true, output: dx)
                } else {
                    try launch("dense_backward_data", file: "gemm.cl", global: [g.inFeatures, g.batch], local: [columns, rows],
                               [dy, w, dx] + sizes)
                }
            }
        }
        try profiledOp("dense_backward_weights \(shape)", flops: g.flops) {
            if tuning.gemm.enabled, g.outFeatures % 16 == 0 {
                try tiledWeightGradient(ImplicitGemm(dense: g.batch, inFeatures: g.inFeatures, outFeatures: g.outFeatures),
                                        input: x, outputGrad: dy, weightGrad: dw)
            } else {
                try launch("dense_backward_weights", file: "gemm.cl", global: [g.outFeatures, g.inFeatures], local: [columns, rows],
                           [x, dy, dw] + sizes)
            }
            try columnSum(dy, rows: g.batch, columns: g.outFeatures, into: db)
        }
    }
}
