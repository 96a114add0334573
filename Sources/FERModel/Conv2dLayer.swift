import FERCore

/// Conv2d with bias (PyTorch's `nn.Conv2d`): parameters `NAME.weight`, `NAME.bias`.
public final class Conv2dLayer: Layer {
    public let name: String
    let backend: Backend
    let inChannels, outChannels, kernelSize, stride, padding: Int
    public let weight: Parameter
    public let bias: Parameter
    private struct Buffers { let geometry: Conv2dGeometry; let output: Tensor; let inputGrad: Tensor }
    private var workspace: BatchWorkspace<Buffers>!
    private var savedInput: Tensor?
    private var inputShape: [Int] = []

    public init(name: String, backend: Backend, inChannels: Int, outChannels: Int, kernelSize: Int = 3, stride: Int = 1, padding: Int = 1) throws {
        self.name = name
        self.backend = backend
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelSize = kernelSize; self.stride = stride; self.padding = padding
        weight = try Parameter(name: "\(name).weight", layout: .convWeight(kernelHeight: kernelSize, kernelWidth: kernelSize,
                                                                             inChannels: inChannels, outChannels: outChannels), backend: backend)
        bias = try Parameter(name: "\(name).bias", layout: .vector(outChannels), backend: backend)
        workspace = BatchWorkspace { [unowned self] batch in
            let g = self.geometry(batch: batch)
            return Buffers(geometry: g, output: try backend.makeTensor([batch, g.outHeight, g.outWidth, outChannels], .float32),
                           inputGrad: try backend.makeTensor([batch, g.height, g.width, inChannels], .float32))
        }
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var stateTensors: [StateTensor] { [] }
    /// PyTorch's default init: kaiming_uniform(a = sqrt 5) for the weight, which is
    /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
    public var fanIn: Int { inChannels * kernelSize * kernelSize }

    private func geometry(batch: Int) -> Conv2dGeometry {
        Conv2dGeometry(batch: batch, height: inputShape[0], width: inputShape[1], inChannels: inChannels, outChannels: outChannels,
                       kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[2] == inChannels else {
            throw ModelError.shapeMismatch(layer: name, expected: "[h, w, \(inChannels)]", actual: inputShape)
        }
        self.inputShape = inputShape
        let g = geometry(batch: 1)
        try g.validate(op: name)
        return [g.outHeight, g.outWidth, outChannels]
    }

    public func forward(_ input: Tensor, context: PassContext) throws -> Tensor {
        let buffers = try workspace.buffers(batch: input.batch)
        try backend.conv2dForward(buffers.geometry, input: input, weight: weight.value, bias: bias.value, output: buffers.output)
        savedInput = input
        return buffers.output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, context: PassContext) throws -> Tensor? {
        guard let input = savedInput else { throw ModelError.backwardBeforeForward(layer: name) }
        let buffers = try workspace.buffers(batch: input.batch)
        try backend.conv2dBackwardWeights(buffers.geometry, input: input, outputGrad: outputGrad,
                                          weightGrad: weight.gradient, biasGrad: bias.gradient)
        guard needsInputGradient else { return nil }
        try backend.conv2dBackwardData(buffers.geometry, outputGrad: outputGrad, weight: weight.value, inputGrad: buffers.inputGrad)
        return buffers.inputGrad
    }
}
