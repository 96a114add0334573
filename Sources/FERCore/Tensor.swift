/// Element types the engine stores. Activations and parameters are float32; labels and
/// max-pool argmax are int32; dataset images are uint8.
public enum DType: String, Sendable, CaseIterable {
    case float32, int32, uint8

    public var byteSize: Int {
        switch self {
        case .float32, .int32: 4
        case .uint8: 1
        }
    }
}

/// What a backend keeps behind a tensor: host memory for the reference, a `cl_mem` for OpenCL.
public protocol TensorStorage: AnyObject {}

/// A dense, row-major tensor that lives on one backend. Shapes are logical; the layout of
/// each op's operands is stated in `Backend` and in `Layouts.swift` of FERModel.
public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let dtype: DType
    public let storage: TensorStorage
    /// Identifies the backend that made the tensor, so a tensor handed to another backend is
    /// refused instead of being misread.
    public let owner: ObjectIdentifier

    public init(shape: [Int], dtype: DType, storage: TensorStorage, owner: ObjectIdentifier) {
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
        self.owner = owner
    }

    public var count: Int { shape.reduce(1, *) }
    public var byteCount: Int { count * dtype.byteSize }
    public var shapeDescription: String { "[" + shape.map(String.init).joined(separator: ",") + "]" }
}

extension Tensor {
    /// The first elements of the same storage seen with a shape of at most this many
    /// elements: a batch of n inside buffers sized for a larger batch.
    public func prefix(_ shape: [Int]) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) <= count else {
            throw BackendError.invalidArgument(op: "prefix", reason: "cannot view \(shapeDescription) as \(shape)")
        }
        return Tensor(shape: shape, dtype: dtype, storage: storage, owner: owner)
    }

    /// The same storage seen with another shape of equal element count (flatten is free).
    public func reshaped(_ shape: [Int]) throws -> Tensor {
        guard shape.reduce(1, *) == count else {
            throw BackendError.invalidArgument(op: "reshape", reason: "cannot view \(shapeDescription) as \(shape)")
        }
        return Tensor(shape: shape, dtype: dtype, storage: storage, owner: owner)
    }
}
