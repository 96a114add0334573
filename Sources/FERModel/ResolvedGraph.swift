/// A model description checked as a graph: names unique, every input known, no cycle, every
/// node reaching the output, each op given as many inputs as it takes; nodes in a
/// topological order (the description's own order wherever it already is one) with their
/// default inputs filled in.
struct ResolvedGraph {
    /// Every node with `inputs` set.
    var nodes: [NodeDescription]
    var output: String
    /// For each value name (a node's or "input"), the nodes reading it, once per input edge.
    var readers: [String: [String]]

    init(_ description: ModelDescription) throws {
        guard !description.nodes.isEmpty else { throw GraphError.emptyGraph }
        var seen: Set<String> = []
        var nodes: [NodeDescription] = []
        for (index, var node) in description.nodes.enumerated() {
            guard !node.name.isEmpty, node.name != ModelDescription.inputName else {
                throw GraphError.invalidName(node.name, reason: "a node needs a name other than '\(ModelDescription.inputName)'")
            }
            guard seen.insert(node.name).inserted else { throw GraphError.duplicateName(node.name) }
            node.inputs = node.inputs ?? [index == 0 ? ModelDescription.inputName : description.nodes[index - 1].name]
            nodes.append(node)
        }
        let names = Set(nodes.map(\.name)).union([ModelDescription.inputName])
        for node in nodes {
            let inputs = node.inputs ?? []
            if let unknown = inputs.first(where: { !names.contains($0) }) { throw GraphError.unknownInput(node: node.name, input: unknown) }
            let (expected, fits) = Self.arity(of: node.op)
            guard fits(inputs.count) else { throw GraphError.inputCount(node: node.name, op: node.op.rawValue, expected: expected, actual: inputs.count) }
        }
        output = description.outputName
        guard seen.contains(output) else { throw GraphError.unknownOutput(output) }
        self.nodes = try Self.topologicalOrder(nodes)
        try Self.checkEveryNodeReachesOutput(self.nodes, output: output)
        var readers: [String: [String]] = [:]
        for node in self.nodes { for input in node.inputs ?? [] { readers[input, default: []].append(node.name) } }
        self.readers = readers
    }

    /// How many inputs an op takes, as words and as a test.
    static func arity(of op: NodeOp) -> (String, (Int) -> Bool) {
        switch op {
        case .conv2d, .batchnorm, .relu, .maxpool, .flatten, .dense, .dropout, .globalAvgPool, .sigmoid: ("1 input", { $0 == 1 })
        case .add: ("2 or more inputs", { $0 >= 2 })
        case .channelScale: ("2 inputs (features, scale)", { $0 == 2 })
        }
    }

    /// Kahn's algorithm, taking at each step the first ready node in description order.
    static func topologicalOrder(_ nodes: [NodeDescription]) throws -> [NodeDescription] {
        var done: Set<String> = [ModelDescription.inputName]
        var remaining = nodes
        var ordered: [NodeDescription] = []
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { ($0.inputs ?? []).allSatisfy(done.contains) }) else {
                throw GraphError.cycle(cycle(among: remaining))
            }
            let node = remaining.remove(at: next)
            done.insert(node.name)
            ordered.append(node)
        }
        return ordered
    }

    /// Nodes none of which can run first all lie on or behind a cycle: follow inputs until one repeats.
    static func cycle(among remaining: [NodeDescription]) -> [String] {
        let byName = Dictionary(uniqueKeysWithValues: remaining.map { ($0.name, $0) })
        var path: [String] = []
        var current = remaining[0].name
        while !path.contains(current) {
            path.append(current)
            guard let next = byName[current]?.inputs?.first(where: { byName[$0] != nil }) else { break }
            current = next
        }
        let loop = Array(path[(path.firstIndex(of: current) ?? 0)...]).reversed()
        return Array(loop) + [loop.first ?? current]
    }

    static func checkEveryNodeReachesOutput(_ nodes: [NodeDescription], output: String) throws {
        var reached: Set<String> = [output]
        for node in nodes.reversed() where reached.contains(node.name) {
            for input in node.inputs ?? [] { reached.insert(input) }
        }
        if let unused = nodes.first(where: { !reached.contains($0.name) }) { throw GraphError.unusedNode(unused.name) }
    }

    /// The single node reading `value`, if exactly one does and `value` is not the output.
    func soleReader(of value: String) -> NodeDescription? {
        guard value != output, let names = readers[value], names.count == 1 else { return nil }
        return nodes.first { $0.name == names[0] }
    }
}
