import FERCore

/// [h, w, c] -> [h * w * c] in (h, w, c) order: a view of the same storage, no copy. The
/// dense layer that follows records the [h, w, c] shape so that its exported weight uses
/// PyTorch's (c, h, w) flatten order (see Layouts.swift).
public final class FlattenLayer: SingleInputLayer {
    public let name: String
    private var inputShape: [Int] = []

    public init(name: String = "flatten") { self.name = name }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        self.inputShape = inputShape
        return [inputShape.reduce(1, *)]
    }

    public func forward(_ input: Tensor, pool: BufferPool?, context: PassContext) throws -> Tensor {
        try input.reshaped([input.batch, input.count / max(input.batch, 1)])
    }

    public func backward(_ outputGrad: Tensor, needsInputGradient: Bool, gradients: BufferPool, context: PassContext) throws -> Tensor? {
        try outputGrad.reshaped([outputGrad.batch] + inputShape)
    }
}
