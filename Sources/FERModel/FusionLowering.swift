/// Which fused layer a lowered node becomes.
enum Fusion: Equatable {
    /// batchnorm -> relu -> maxpool as one `BatchNormLayer(fusedReLUPool:)`, named after the
    /// batch norm (whose tensors it holds).
    case batchNormReLUMaxPool
    /// relu -> maxpool as one `MaxPoolLayer(fusedReLU:)`, named after the pool.
    case reluMaxPool
    /// batchnorm -> relu as one `BatchNormLayer(fusedReLU:)`, named after the batch norm.
    case batchNormReLU
    /// add -> relu as one `AddLayer(fusedReLU:)`, named after the add.
    case addReLU
}

/// A node of the graph the network runs: a description node, possibly standing for a fused run.
struct LoweredNode {
    var node: NodeDescription
    var fusion: Fusion?
    /// The description nodes this one computes, for summaries ("bn1+relu1+pool1").
    var covers: [String]
}

/// The lowering pass from a checked description to the nodes a network runs: chains whose
/// intermediate values each have exactly one reader become the fused layers with the fast
/// kernels (a value read elsewhere too must exist, so it blocks the fusion). The fused
/// layers compute the same function and gradient as the chains they replace.
enum FusionLowering {
    static func lower(_ graph: ResolvedGraph) -> (nodes: [LoweredNode], output: String) {
        var renamed: [String: String] = [:]
        var absorbed: Set<String> = []
        var lowered: [LoweredNode] = []
        for var node in graph.nodes where !absorbed.contains(node.name) {
            node.inputs = node.inputs?.map { renamed[$0] ?? $0 }
            switch node.op {
            case .batchnorm:
                guard let relu = graph.soleReader(of: node.name), relu.op == .relu else { break }
                if let pool = graph.soleReader(of: relu.name), pool.op == .maxpool {
                    absorbed.formUnion([relu.name, pool.name])
                    renamed[pool.name] = node.name
                    lowered.append(LoweredNode(node: node, fusion: .batchNormReLUMaxPool, covers: [node.name, relu.name, pool.name]))
                } else {
                    absorbed.insert(relu.name)
                    renamed[relu.name] = node.name
                    lowered.append(LoweredNode(node: node, fusion: .batchNormReLU, covers: [node.name, relu.name]))
                }
                continue
            case .add:
                guard let relu = graph.soleReader(of: node.name), relu.op == .relu else { break }
                absorbed.insert(relu.name)
                renamed[relu.name] = node.name
                lowered.append(LoweredNode(node: node, fusion: .addReLU, covers: [node.name, relu.name]))
                continue
            case .relu:
                if let pool = graph.soleReader(of: node.name), pool.op == .maxpool {
                    absorbed.insert(pool.name)
                    var fused = pool
                    fused.inputs = node.inputs
                    lowered.append(LoweredNode(node: fused, fusion: .reluMaxPool, covers: [node.name, pool.name]))
                    continue
                }
            default:
                break
            }
            lowered.append(LoweredNode(node: node, fusion: nil, covers: [node.name]))
        }
        return (lowered, renamed[graph.output] ?? graph.output)
    }
}
