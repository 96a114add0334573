import FERCore

/// Dense layer; kernels in Kernels/gemm.cl, bias gradient by `column_sum`.
extension OpenCLBackend {
    public func denseForward(_ g: DenseGeometry, input: Tensor, weight: Tensor, bias: Tensor, output: Tensor) throws {
        let op = Op.denseForward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.batch * g.inFeatures, op: op, "input")
        let w = try operand(weight, g.inFeatures * g.outFeatures, op: op, "weight")
        let b = try operand(bias, g.outFeatures, op: op, "bias")
        let y = try operand(output, g.batch * g.outFeatures, op: op, "output")
        let (columns, rows) = tuning.tile2D
        try launch("dense_forward", file: "gemm.cl", global: [g.outFeatures, g.batch], local: [columns, rows],
                   [x, w, b, y, .int(g.batch), .int(g.inFeatures), .int(g.outFeatures)])
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
        if let dx {
            try launch("dense_backward_data", file: "gemm.cl", global: [g.inFeatures, g.batch], local: [columns, rows],
                       [dy, w, dx] + sizes)
        }
        try launch("dense_backward_weights", file: "gemm.cl", global: [g.outFeatures, g.inFeatures], local: [columns, rows],
                   [x, dy, dw] + sizes)
        try columnSum(dy, rows: g.batch, columns: g.outFeatures, into: db)
    }
}
