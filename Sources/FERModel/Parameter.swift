import FERCore

/// A trainable tensor with its gradient and its optimiser state (Adam moments; SGD uses the
/// first as its momentum buffer), all on the network's backend.
/// `name` is the PyTorch state_dict key ("conv1.weight"); `layout` converts between the
/// engine's layout and PyTorch's.
public final class Parameter {
    public let name: String
    public let value: Tensor
    public let gradient: Tensor
    public let firstMoment: Tensor
    public let secondMoment: Tensor
    public let layout: ParameterLayout

    init(name: String, layout: ParameterLayout, backend: Backend) throws {
        self.name = name
        self.layout = layout
        value = try backend.makeTensor(layout.engineShape, .float32)
        gradient = try backend.makeTensor(layout.engineShape, .float32)
        firstMoment = try backend.makeTensor(layout.engineShape, .float32)
        secondMoment = try backend.makeTensor(layout.engineShape, .float32)
    }

    public var count: Int { value.count }
}
