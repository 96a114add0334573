import FERCore

/// Host memory behind a reference tensor: zero-filled, 64-byte aligned, freed on deinit.
final class HostStorage: TensorStorage {
    let bytes: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    deinit { bytes.deallocate() }
}

/// The executable specification of every op: plain loops over host memory, written to be
/// read. Sums over many terms accumulate in Float64 so that the reference is the more
/// accurate side of every comparison. Work runs synchronously; `finish` has nothing to wait for.
public final class ReferenceBackend: Backend {
    public let name = "reference"

    public init() {}

    public func makeTensor(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw BackendError.invalidArgument(op: "makeTensor", reason: "negative dimension in \(shape)")
        }
        return Tensor(shape: shape, dtype: dtype, storage: HostStorage(byteCount: shape.reduce(1, *) * dtype.byteSize),
                      owner: ObjectIdentifier(self))
    }

    public func write(_ tensor: Tensor, from bytes: UnsafeRawBufferPointer) throws {
        let storage = try host(tensor, op: "write", "tensor")
        guard bytes.count == tensor.byteCount, tensor.byteCount <= storage.byteCount else {
            throw BackendError.hostBufferSize(op: "write", expectedBytes: tensor.byteCount, actualBytes: bytes.count)
        }
        if let base = bytes.baseAddress { storage.bytes.copyMemory(from: base, byteCount: bytes.count) }
    }

    public func read(_ tensor: Tensor, into bytes: UnsafeMutableRawBufferPointer) throws {
        let storage = try host(tensor, op: "read", "tensor")
        guard bytes.count == tensor.byteCount, tensor.byteCount <= storage.byteCount else {
            throw BackendError.hostBufferSize(op: "read", expectedBytes: tensor.byteCount, actualBytes: bytes.count)
        }
        if let base = bytes.baseAddress { base.copyMemory(from: storage.bytes, byteCount: bytes.count) }
    }

    public func finish() throws {}

    func host(_ tensor: Tensor, op: String, _ operand: String) throws -> HostStorage {
        guard tensor.owner == ObjectIdentifier(self), let storage = tensor.storage as? HostStorage else {
            throw BackendError.foreignTensor(op: op, operand: operand)
        }
        return storage
    }

    /// Float elements of an operand after checking its size: the entry point of every op.
    func floats(_ tensor: Tensor, _ count: Int, op: Op, _ operand: String) throws -> UnsafeMutablePointer<Float> {
        try tensor.require(count, .float32, op: op.rawValue, operand)
        return try host(tensor, op: op.rawValue, operand).bytes.assumingMemoryBound(to: Float.self)
    }

    func int32s(_ tensor: Tensor, _ count: Int, op: Op, _ operand: String) throws -> UnsafeMutablePointer<Int32> {
        try tensor.require(count, .int32, op: op.rawValue, operand)
        return try host(tensor, op: op.rawValue, operand).bytes.assumingMemoryBound(to: Int32.self)
    }
}
