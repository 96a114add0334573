import FERCore

/// Linear layer (PyTorch's `nn.Linear`): parameters `NAME.weight` ([out, in] in PyTorch,
/// [in, out] in the engine) and `NAME.bias`.
public final class DenseLayer: SingleInputLayer {
    public let name: String
    let backend: Backend
    public let inFeatures, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter
    private let buffers: BatchBuffers
    private var savedInput: Tensor?

    /// - Parameter flattenedFrom: the [h, w, c] shape flattened into this layer's input, if any.
    public init(name: String, backend: Backend, inFeatures: Int, outFeatures: Int, flattenedFrom: [Int]? = nil) throws {
        self.name = name
        self.backend = backend
        self.inFeatures = inFeatures; self.outFeatures = outFeatures
        weight = try Parameter(name: "\(name).weight",
                               layout: .denseWeight(inFeatures: inFeatures, outFeatures: outFeatures, flattenedFrom: flattenedFrom),
                               backend: backend)
        bias = try Parameter(name: "\(name).bias", layout: .vector(outFeatures), backend: backend)
        buffers = BatchBuffers(backend: backend)
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var fanIn: Int { inFeatures }
    public func initializationFanIn(of parameter: Parameter) -> Int? { fanIn }
    public func forwardFLOPs() -> Double { 2 * Double(inFeatures * outFeatures) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape == [inFeatures] else {
            throw ModelError.shapeMismatch(layer: name, expected: "[\(inFeatures)]", actual: inputShape)
        }
        return [outFeatures]
    }

    private func geometry(batch: Int) -> DenseGeometry {
        DenseGeometry(batch: batch, inFeatures: inFeatures, outFeatures: outFeatures)
    }

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        let output = try buffers.output("output", batch: input.batch, sampleShape: [outFeatures], pool: pool)
        try backend.denseForward(geometry(batch: input.batch), input: input, weight: weight.value, bias: bias.value, output: output)
        savedInput = input
        return output
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        guard let input = savedInput else { throw ModelError.backwardBeforeForward(layer: name) }
        let inputGrad = needsInputGradient ? try gradients.tensor(batch: input.batch, sampleShape: [inFeatures]) : nil
        try backend.denseBackward(geometry(batch: input.batch), input: input, weight: weight.value, outputGrad: outputGrad,
                                  inputGrad: inputGrad, weightGrad: weight.gradient, biasGrad: bias.gradient)
        return inputGrad
    }
}
