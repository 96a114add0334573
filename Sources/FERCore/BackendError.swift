/// Errors a backend raises when an op is called with operands that cannot be right. They
/// name the op and the operand so that the caller can find the mistake.
public enum BackendError: Error, CustomStringConvertible, Equatable {
    case sizeMismatch(op: String, operand: String, expected: Int, actual: Int)
    case wrongType(op: String, operand: String, expected: DType, actual: DType)
    case foreignTensor(op: String, operand: String)
    case invalidArgument(op: String, reason: String)
    case hostBufferSize(op: String, expectedBytes: Int, actualBytes: Int)

    public var description: String {
        switch self {
        case let .sizeMismatch(op, operand, expected, actual):
            "\(op): \(operand) has \(actual) elements, expected \(expected)"
        case let .wrongType(op, operand, expected, actual):
            "\(op): \(operand) is \(actual.rawValue), expected \(expected.rawValue)"
        case let .foreignTensor(op, operand):
            "\(op): \(operand) belongs to another backend"
        case let .invalidArgument(op, reason):
            "\(op): \(reason)"
        case let .hostBufferSize(op, expectedBytes, actualBytes):
            "\(op): host buffer has \(actualBytes) bytes, tensor needs \(expectedBytes)"
        }
    }
}

extension Tensor {
    /// Checks element count and type of an operand; every op of both backends calls this so
    /// a wrongly sized buffer is an error, never an out-of-bounds access.
    public func require(_ count: Int, _ dtype: DType = .float32, op: String, _ operand: String) throws {
        if self.dtype != dtype { throw BackendError.wrongType(op: op, operand: operand, expected: dtype, actual: self.dtype) }
        if self.count != count { throw BackendError.sizeMismatch(op: op, operand: operand, expected: count, actual: self.count) }
    }
}
