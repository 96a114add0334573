/// Errors of network construction and use, naming the layer or tensor involved.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(layer: String, expected: String, actual: [Int])
    case backwardBeforeForward(layer: String)
    case unknownArchitecture(String, known: [String])
    case parameterShape(name: String, expected: [Int], actual: [Int])
    case inputCount(layer: String, expected: Int, actual: Int)
    case invalidGraph(layer: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(layer, expected, actual):
            "layer \(layer): input shape \(actual), expected \(expected)"
        case let .backwardBeforeForward(layer):
            "layer \(layer): backward called before forward"
        case let .unknownArchitecture(name, known):
            "unknown model architecture '\(name)'; known: \(known.joined(separator: ", "))"
        case let .parameterShape(name, expected, actual):
            "tensor \(name) has shape \(actual), expected \(expected)"
        case let .inputCount(layer, expected, actual):
            "layer \(layer): \(actual) inputs, expected \(expected)"
        case let .invalidGraph(layer, reason):
            "layer \(layer): \(reason)"
        }
    }
}
