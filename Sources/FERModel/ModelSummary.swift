import Foundation

/// A network's size and layers: `fer-cl models` and the start of training print it.
public struct ModelSummary: Encodable, Sendable {
    public struct Row: Encodable, Sendable {
        public let name: String
        public let kind: String
        public let inputs: [String]
        public let output: [Int]
        public let parameters: Int
    }

    public let name: String
    public let parameters: Int
    /// Forward pass of one image, in 10^9 floating-point operations (multiply-adds count 2).
    public let forwardGFLOP: Double
    public let layers: [Row]

    enum CodingKeys: String, CodingKey { case name, parameters, forwardGFLOP = "forward_gflop", layers }

    public init(_ network: Network) {
        name = network.architecture
        parameters = network.parameterCount
        forwardGFLOP = network.forwardFLOPs / 1e9
        let names = [ModelDescription.inputName] + network.layers.map(\.name)
        layers = network.nodes.map { node in
            Row(name: node.layer.name, kind: node.layer.kind, inputs: node.inputSlots.map { names[$0] }, output: node.outputShape,
                parameters: node.layer.parameters.reduce(0) { $0 + $1.count })
        }
    }

    /// One line: name, parameters, GFLOP, layer count.
    public var headline: String {
        "\(name): \(parameters) parameters, \(String(format: "%.3f", forwardGFLOP)) GFLOP forward per image, \(layers.count) layers"
    }

    /// A table of the layers, inputs shown where a node does not read the one before it.
    public var table: String {
        let width = max(layers.map(\.name.count).max() ?? 0, 4)
        let kindWidth = max(layers.map(\.kind.count).max() ?? 0, 4)
        var previous = ModelDescription.inputName
        var lines = [pad("layer", width) + "  " + pad("kind", kindWidth) + "  " + pad("output", 14) + "  " + pad("params", 9) + "  inputs"]
        for row in layers {
            let inputs = row.inputs == [previous] ? "" : row.inputs.joined(separator: ", ")
            lines.append(pad(row.name, width) + "  " + pad(row.kind, kindWidth) + "  " + pad("\(row.output)", 14) + "  "
                         + pad("\(row.parameters)", 9) + "  " + inputs)
            previous = row.name
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
}

