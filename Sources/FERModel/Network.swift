import FERCore

/// A sequential network bound to one backend. Input is NHWC [batch, height, width,
/// channels]; output is logits [batch, classes].
public final class Network {
    public let architecture: String
    public let backend: Backend
    /// Per-sample input shape [height, width, channels].
    public let inputShape: [Int]
    public let classes: Int
    public let layers: [Layer]

    public init(architecture: String, backend: Backend, inputShape: [Int], layers: [Layer]) throws {
        self.architecture = architecture
        self.backend = backend
        self.inputShape = inputShape
        self.layers = layers
        var shape = inputShape
        for layer in layers { shape = try layer.outputShape(for: shape) }
        guard shape.count == 1 else { throw ModelError.shapeMismatch(layer: "output", expected: "[classes]", actual: shape) }
        classes = shape[0]
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Runs the layers in order. An inference pass may overwrite intermediate outputs (a fused
    /// batch-norm layer normalises its conv's output in place); `input` is never written as
    /// long as no fused batch-norm layer comes first, which no architecture does.
    public func forward(_ input: Tensor, context: PassContext) throws -> Tensor {
        guard Array(input.shape.dropFirst()) == inputShape else {
            throw ModelError.shapeMismatch(layer: "input", expected: "[batch] + \(inputShape)", actual: input.shape)
        }
        var x = input
        for layer in layers { x = try layer.forward(x, context: context) }
        return x
    }

    /// Backpropagates the gradient of the loss w.r.t. the logits, writing every parameter's gradient.
    public func backward(_ logitsGrad: Tensor, context: PassContext) throws {
        var grad = logitsGrad
        for (index, layer) in layers.enumerated().reversed() {
            guard let next = try layer.backward(grad, needsInputGradient: index > 0, context: context) else { break }
            grad = next
        }
    }

    /// PyTorch's default initialisation for Conv2d and Linear (weight and bias uniform in
    /// +-1/sqrt(fan_in)) and BatchNorm (gamma 1, beta 0, running mean 0, variance 1). Values
    /// are drawn in PyTorch's layout from Philox(seed, parameter index), so a seed gives the
    /// same model whatever the engine's layout.
    public func initialize(seed: UInt64) throws {
        for (index, parameter) in parameters.enumerated() {
            let fanIn: Int? = layers.lazy.compactMap { layer -> Int? in
                if let conv = layer as? Conv2dLayer, conv.parameters.contains(where: { $0 === parameter }) { return conv.fanIn }
                if let dense = layer as? DenseLayer, dense.parameters.contains(where: { $0 === parameter }) { return dense.fanIn }
                return nil
            }.first
            guard let fanIn else { continue }  // batch norm keeps its constructor values
            let bound = 1 / Float(fanIn).squareRoot()
            var generator = PhiloxGenerator(seed: seed, stream: UInt64(index))
            let values = (0..<parameter.count).map { _ in generator.uniform(-bound, bound) }
            try backend.upload(parameter.layout.fromPyTorch(values), to: parameter.value)
        }
    }
}
