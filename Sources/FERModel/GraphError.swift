/// What is wrong with a model description, naming the node and the problem.
public enum GraphError: Error, CustomStringConvertible, Equatable {
    case unreadable(source: String, reason: String)
    case unknownOp(node: String, op: String, known: [String])
    case unknownAttribute(node: String, op: String, attribute: String, allowed: [String])
    case invalidAttribute(node: String, reason: String)
    case invalidName(String, reason: String)
    case duplicateName(String)
    case unknownInput(node: String, input: String)
    case unknownOutput(String)
    case cycle([String])
    case unusedNode(String)
    case inputCount(node: String, op: String, expected: String, actual: Int)
    case shapeMismatch(node: String, shapes: [[Int]], expected: String)
    case emptyGraph

    public var description: String {
        switch self {
        case let .unreadable(source, reason):
            "\(source): not a model description: \(reason)"
        case let .unknownOp(node, op, known):
            "node \(node): unknown op '\(op)'; known ops: \(known.joined(separator: ", "))"
        case let .unknownAttribute(node, op, attribute, allowed):
            "node \(node): \(op) has no attribute '\(attribute)'; it takes \(allowed.joined(separator: ", "))"
        case let .invalidAttribute(node, reason):
            "node \(node): \(reason)"
        case let .invalidName(name, reason):
            "node name '\(name)': \(reason)"
        case let .duplicateName(name):
            "node \(name): the name is used by more than one node"
        case let .unknownInput(node, input):
            "node \(node): input '\(input)' is neither '\(ModelDescription.inputName)' nor the name of a node"
        case let .unknownOutput(name):
            "output '\(name)' is not the name of a node"
        case let .cycle(nodes):
            "nodes \(nodes.joined(separator: " -> ")) form a cycle: a network must be a directed acyclic graph"
        case let .unusedNode(node):
            "node \(node): its value reaches no output (remove it, or read it from another node)"
        case let .inputCount(node, op, expected, actual):
            "node \(node): \(op) takes \(expected), given \(actual)"
        case let .shapeMismatch(node, shapes, expected):
            "node \(node): input shape\(shapes.count > 1 ? "s" : "") \(shapes.map { "\($0)" }.joined(separator: " and ")), expected \(expected)"
        case .emptyGraph:
            "the model has no nodes"
        }
    }
}
