import FERCore

/// Convolution passes; kernels in Kernels/conv.cl, bias gradient by `column_sum`.
extension OpenCLBackend {
    private func shapeArguments(_ g: Conv2dGeometry) -> [KernelArgument] {
        [g.batch, g.height, g.width, g.inChannels, g.outChannels, g.kernelHeight, g.kernelWidth,
         g.stride, g.padding, g.outHeight, g.outWidth].map { .int($0) }
    }

    public func conv2dForward(_ g: Conv2dGeometry, input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws {
        let op = Op.conv2dForward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.inputCount, op: op, "input")
        let w = try operand(weight, g.weightCount, op: op, "weight")
        let b = try bias.map { try operand($0, g.outChannels, op: op, "bias") } ?? w
        let y = try operand(output, g.outputCount, op: op, "output")
        let (columns, rows) = tuning.tile2D
        try launch("conv2d_forward", file: "conv.cl", defines: ["HAS_BIAS": bias == nil ? 0 : 1],
                   global: [g.outChannels, g.batch * g.outHeight * g.outWidth], local: [columns, rows],
                   [x, w, b, y] + shapeArguments(g))
    }

    public func conv2dBackwardData(_ g: Conv2dGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws {
        let op = Op.conv2dBackwardData
        try g.validate(op: op.rawValue)
        let dy = try operand(outputGrad, g.outputCount, op: op, "outputGrad")
        let w = try operand(weight, g.weightCount, op: op, "weight")
        let dx = try operand(inputGrad, g.inputCount, op: op, "inputGrad")
        let (columns, rows) = tuning.tile2D
        try launch("conv2d_backward_data", file: "conv.cl",
                   global: [g.inChannels, g.batch * g.height * g.width], local: [columns, rows],
                   [dy, w, dx] + shapeArguments(g))
    }

    public func conv2dBackwardWeights(_ g: Conv2dGeometry, input: Tensor, outputGrad: Tensor, weightGrad: Tensor, biasGrad: Tensor?) throws {
        let op = Op.conv2dBackwardWeights
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.inputCount, op: op, "input")
        let dy = try operand(outputGrad, g.outputCount, op: op, "outputGrad")
        let dw = try operand(weightGrad, g.weightCount, op: op, "weightGrad")
        let db = try biasGrad.map { try operand($0, g.outChannels, op: op, "biasGrad") }
        let (columns, rows) = tuning.tile2D
        try launch("conv2d_backward_weights", file: "conv.cl",
                   global: [g.outChannels, g.kernelHeight * g.kernelWidth * g.inChannels], local: [columns, rows],
                   [x, dy, dw] + shapeArguments(g))
        if let db {
            try columnSum(dy, rows: g.batch * g.outHeight * g.outWidth, columns: g.outChannels, into: db)
        }
    }

    /// out[c] = sum_r a[r, c]: the bias gradient of conv and dense layers.
    func columnSum(_ a: KernelArgument, rows: Int, columns: Int, into out: KernelArgument) throws {
        try launch("column_sum", file: "reduce.cl", defines: ["REDUCE_WG": tuning.reduction],
                   global: [columns * tuning.reduction], local: [tuning.reduction],
                   [a, .int(rows), .int(columns), out])
    }
}
