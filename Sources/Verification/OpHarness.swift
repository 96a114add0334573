import FERCore

/// A host-side operand of an op check: uploaded identically to both backends.
struct HostTensor {
    enum Values { case floats([Float]), ints([Int32]), bytes([UInt8]) }
    let name: String
    let shape: [Int]
    let values: Values
    /// Compared after the op runs (outputs, and in-place operands such as Adam's moments).
    let isOutput: Bool

    static func input(_ name: String, _ values: [Float], _ shape: [Int]) -> HostTensor {
        HostTensor(name: name, shape: shape, values: .floats(values), isOutput: false)
    }
    static func input(_ name: String, _ values: [Int32], _ shape: [Int]) -> HostTensor {
        HostTensor(name: name, shape: shape, values: .ints(values), isOutput: false)
    }
    static func input(_ name: String, _ values: [UInt8], _ shape: [Int]) -> HostTensor {
        HostTensor(name: name, shape: shape, values: .bytes(values), isOutput: false)
    }
    /// An output, pre-filled with NaN (int32: -7) on both backends so an element a kernel
    /// forgets to write cannot pass for a correct zero.
    static func output(_ name: String, _ shape: [Int], _ dtype: DType = .float32) -> HostTensor {
        let count = shape.reduce(1, *)
        return HostTensor(name: name, shape: shape, values: dtype == .int32 ? .ints(.init(repeating: -7, count: count))
                                                                       : .floats(.init(repeating: .nan, count: count)), isOutput: true)
    }
    /// An operand the op reads and updates in place.
    static func inOut(_ name: String, _ values: [Float], _ shape: [Int]) -> HostTensor {
        HostTensor(name: name, shape: shape, values: .floats(values), isOutput: true)
    }
}

/// Runs one op on the reference and on the backend under test from identical operands and
/// compares every output.
struct OpHarness {
    let reference: Backend
    let candidate: Backend

    func compare(_ label: String, _ operands: [HostTensor], tolerance: Float = Tolerance.op,
                 _ op: (Backend, [String: Tensor]) throws -> Void) throws -> [Comparison] {
        let referenceTensors = try upload(operands, to: reference)
        let candidateTensors = try upload(operands, to: candidate)
        try op(reference, referenceTensors)
        try op(candidate, candidateTensors)
        var comparisons: [Comparison] = []
        for operand in operands where operand.isOutput {
            let name = "\(label) \(operand.name)"
            switch operand.values {
            case .floats:
                comparisons.append(.floats(name, try candidate.floats(candidateTensors[operand.name]!),
                                           try reference.floats(referenceTensors[operand.name]!), tolerance: tolerance))
            case .bytes:
                preconditionFailure("uint8 tensors are inputs only")
            case .ints:
                comparisons.append(.ints(name, try candidate.ints(candidateTensors[operand.name]!),
                                         try reference.ints(referenceTensors[operand.name]!)))
            }
        }
        return comparisons
    }

    private func upload(_ operands: [HostTensor], to backend: Backend) throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for operand in operands {
            switch operand.values {
            case let .floats(values): tensors[operand.name] = try backend.tensor(values, operand.shape)
            case let .ints(values): tensors[operand.name] = try backend.intTensor(values, operand.shape)
            case let .bytes(values):
                let tensor = try backend.makeTensor(operand.shape, .uint8)
                try backend.upload(values, to: tensor)
                tensors[operand.name] = tensor
            }
        }
        return tensors
    }
}
