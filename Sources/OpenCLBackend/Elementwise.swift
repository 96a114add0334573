import FERCore

/// ReLU and sigmoid (Kernels/activation.cl) and dropout (Kernels/dropout.cl).
extension OpenCLBackend {
    /// Launches a kernel that handles four elements per work-item (float4 loads, the last
    /// work-item finishing a count that is not a multiple of 4): sigmoid, add.
    func vectorElementwiseLaunch(_ kernel: String, file: String, count: Int, _ arguments: [KernelArgument]) throws {
        try launch(kernel, file: file, global: [(count + 3) / 4], local: [tuning.elementwise], arguments)
    }

    public func reluForward(input: Tensor, output: Tensor) throws {
        let x = try operand(input, input.count, op: .reluForward, "input")
        let y = try operand(output, input.count, op: .reluForward, "output")
        try launch("relu_forward", file: "activation.cl", global: [input.count], local: [tuning.elementwise],
                   [x, y, .int(input.count)])
    }

    public func reluBackward(output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        let y = try operand(output, output.count, op: .reluBackward, "output")
        let dy = try operand(outputGrad, output.count, op: .reluBackward, "outputGrad")
        let dx = try operand(inputGrad, output.count, op: .reluBackward, "inputGrad")
        try launch("relu_backward", file: "activation.cl", global: [output.count], local: [tuning.elementwise],
                   [y, dy, dx, .int(output.count)])
    }

    public func sigmoidForward(input: Tensor, output: Tensor) throws {
        let x = try operand(input, input.count, op: .sigmoidForward, "input")
        let y = try operand(output, input.count, op: .sigmoidForward, "output")
        try vectorElementwiseLaunch("sigmoid_forward", file: "activation.cl", count: input.count, [x, y, .int(input.count)])
    }

    public func sigmoidBackward(output: Tensor, outputGrad: Tensor, inputGrad: Tensor) throws {
        let y = try operand(output, output.count, op: .sigmoidBackward, "output")
        let dy = try operand(outputGrad, output.count, op: .sigmoidBackward, "outputGrad")
        let dx = try operand(inputGrad, output.count, op: .sigmoidBackward, "inputGrad")
        try vectorElementwiseLaunch("sigmoid_backward", file: "activation.cl", count: output.count, [y, dy, dx, .int(output.count)])
    }

    public func dropoutForward(_ p: DropoutParameters, input: Tensor, output: Tensor) throws {
        try p.validate(op: Op.dropoutForward.rawValue)
        try applyDropoutMask(p, from: operand(input, p.count, op: .dropoutForward, "input"),
                             to: operand(output, p.count, op: .dropoutForward, "output"))
    }

    public func dropoutBackward(_ p: DropoutParameters, outputGrad: Tensor, inputGrad: Tensor) throws {
        try p.validate(op: Op.dropoutBackward.rawValue)
        try applyDropoutMask(p, from: operand(outputGrad, p.count, op: .dropoutBackward, "outputGrad"),
                             to: operand(inputGrad, p.count, op: .dropoutBackward, "inputGrad"))
    }

    private func applyDropoutMask(_ p: DropoutParameters, from source: KernelArgument, to target: KernelArgument) throws {
        try launch("dropout_apply", file: "dropout.cl", global: [p.count], local: [tuning.elementwise],
                   [source, target, .int(p.count), .float(p.rate), .float(p.scale), .ulong(p.seed), .ulong(p.stream)])
    }
}
