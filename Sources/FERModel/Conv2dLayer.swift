import FERCore

/// Conv2d (PyTorch's `nn.Conv2d`): parameters `NAME.weight` and, unless built without one
/// (ResNets' convolutions before batch norm), `NAME.bias`.
public final class Conv2dLayer: SingleInputLayer {
    public let name: String
    let backend: Backend
    let inChannels, outChannels, kernelSize, stride, padding: Int
    public let weight: Parameter
    public let bias: Parameter?
    private let buffers: BatchBuffers
    private var savedInput: Tensor?
    private var inputShape: [Int] = []

    public init(name: String, backend: Backend, inChannels: Int, outChannels: Int, kernelSize: Int = 3, stride: Int = 1, padding: Int = 1,
                hasBias: Bool = true) throws {
        self.name = name
        self.backend = backend
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelSize = kernelSize; self.stride = stride; self.padding = padding
        weight = try Parameter(name: "\(name).weight", layout: .convWeight(kernelHeight: kernelSize, kernelWidth: kernelSize,
                                                                             inChannels: inChannels, outChannels: outChannels), backend: backend)
        bias = hasBias ? try Parameter(name: "\(name).bias", layout: .vector(outChannels), backend: backend) : nil
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    /// PyTorch's default init: kaiming_uniform(a = sqrt 5) for the weight, which is
    /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
    public var fanIn: Int { inChannels * kernelSize * kernelSize }
    public func initializationFanIn(of parameter: Parameter) -> Int? { fanIn }
    public func forwardFLOPs() -> Double { geometry(batch: 1).flops }
    public var kind: String { "conv2d \(kernelSize)x\(kernelSize)" + (stride > 1 ? " s\(stride)" : "") + (bias == nil ? " no bias" : "") }

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

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let g = geometry(batch: input.batch)
        let output = try buffers.output("output", batch: g.batch, sampleShape: [g.outHeight, g.outWidth, outChannels], pool: pool)
        try backend.conv2dForward(g, input: input, weight: weight.value, bias: bias?.value, output: output)
        savedInput = input
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        guard let input = savedInput else { throw ModelError.backwardBeforeForward(layer: name) }
        let g = geometry(batch: input.batch)
        try backend.conv2dBackwardWeights(g, input: input, outputGrad: outputGrad, weightGrad: weight.gradient, biasGrad: bias?.gradient)
        guard needsInputGradient else { return nil }
        let inputGrad = try gradients.tensor(batch: g.batch, sampleShape: inputShape)
        try backend.conv2dBackwardData(g, outputGrad: outputGrad, weight: weight.value, inputGrad: inputGrad)
        return inputGrad
    }
}
