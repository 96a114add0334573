import FERCore
import FERModel
import ReferenceBackend
import Testing

/// Model descriptions that are not valid networks fail with an error naming the node and the problem.
@Suite struct GraphValidationTests {
    static func node(_ name: String, _ op: NodeOp, _ inputs: [String]? = nil, channels: Int? = nil, features: Int? = nil) -> NodeDescription {
        NodeDescription(name: name, op: op, inputs: inputs, outChannels: channels, outFeatures: features)
    }

    static func build(_ nodes: [NodeDescription], input: [Int] = [8, 8, 1], output: String? = nil) throws -> Network {
        try Network(description: ModelDescription(name: "test", input: input, nodes: nodes, output: output), backend: ReferenceBackend())
    }

    static let head = [node("flatten", .flatten), node("fc", .dense, features: 3)]

    @Test func aValidGraphBuildsWithInferredChannels() throws {
        let network = try Self.build([Self.node("conv", .conv2d, channels: 4), Self.node("relu", .relu)] + Self.head)
        #expect(network.classes == 3)
        #expect(network.parameters.map(\.name) == ["conv.weight", "conv.bias", "fc.weight", "fc.bias"])
        #expect(network.parameters[2].layout == .denseWeight(inFeatures: 256, outFeatures: 3, flattenedFrom: [8, 8, 4]))
    }

    @Test func unknownInputIsNamed() {
        #expect(throws: GraphError.unknownInput(node: "relu", input: "conv9")) {
            try Self.build([Self.node("conv", .conv2d, channels: 4), Self.node("relu", .relu, ["conv9"])] + Self.head)
        }
    }

    @Test func cycleIsNamed() {
        #expect(throws: GraphError.cycle(["b", "a", "b"])) {
            try Self.build([Self.node("a", .relu, ["b"]), Self.node("b", .relu, ["a"])] + Self.head)
        }
    }

    @Test func unusedNodeIsNamed() {
        #expect(throws: GraphError.unusedNode("side")) {
            try Self.build([Self.node("conv", .conv2d, channels: 4), Self.node("side", .relu, ["conv"]), Self.node("flatten", .flatten, ["conv"]),
                            Self.node("fc", .dense, features: 3)])
        }
    }

    @Test func duplicateNameIsNamed() {
        #expect(throws: GraphError.duplicateName("relu")) {
            try Self.build([Self.node("relu", .relu), Self.node("relu", .relu)] + Self.head)
        }
    }

    @Test func shapeMismatchGivesTheShape() {
        // A dense layer straight after a convolution: no flatten.
        #expect(throws: GraphError.shapeMismatch(node: "fc", shapes: [[8, 8, 4]], expected: "[features] (put a flatten or global_avg_pool node before it)")) {
            try Self.build([Self.node("conv", .conv2d, channels: 4), Self.node("fc", .dense, features: 3)])
        }
        #expect(throws: GraphError.shapeMismatch(node: "conv2", shapes: [[64]], expected: "[height, width, channels]")) {
            try Self.build([Self.node("flatten", .flatten), Self.node("conv2", .conv2d, channels: 4), Self.node("fc", .dense, features: 3)])
        }
    }

    @Test func wrongInputCountIsNamed() {
        #expect(throws: GraphError.inputCount(node: "relu", op: "relu", expected: "1 input", actual: 2)) {
            try Self.build([Self.node("conv", .conv2d, channels: 4), Self.node("relu", .relu, ["conv", "input"])] + Self.head)
        }
    }

    @Test func missingAttributeIsNamed() {
        #expect(throws: GraphError.invalidAttribute(node: "conv", reason: "conv2d needs 'out_channels'")) {
            try Self.build([Self.node("conv", .conv2d)] + Self.head)
        }
    }

    @Test func unknownOutputIsNamed() {
        #expect(throws: GraphError.unknownOutput("logits")) {
            try Self.build([Self.node("conv", .conv2d, channels: 4)] + Self.head, output: "logits")
        }
    }

    @Test func unknownOpAndAttributeAreNamedWhenDecoding() {
        let badOp = #"{"name": "x", "input": [8, 8, 1], "nodes": [{"name": "c1", "op": "conv3d"}]}"#
        #expect(throws: GraphError.unknownOp(node: "c1", op: "conv3d", known: NodeOp.allCases.map(\.rawValue))) {
            try ModelDescription.decode(json: badOp, source: "test.json")
        }
        let badAttribute = #"{"name": "x", "input": [8, 8, 1], "nodes": [{"name": "c1", "op": "conv2d", "out_channels": 4, "strides": 2}]}"#
        #expect(throws: GraphError.unknownAttribute(node: "c1", op: "conv2d", attribute: "strides",
                                                    allowed: ["bias", "inputs", "kernel", "name", "op", "out_channels", "padding", "stride"])) {
            try ModelDescription.decode(json: badAttribute, source: "test.json")
        }
        #expect(throws: GraphError.self) { try ModelDescription.decode(json: "{\"name\": 3}", source: "test.json") }
    }

    @Test func descriptionsRoundTripThroughJSON() throws {
        for architecture in Architecture.allCases {
            let description = architecture.modelDescription
            #expect(try ModelDescription.decode(json: try description.json(), source: "round trip") == description)
            #expect(try ModelDescription.decode(json: try description.json(pretty: true), source: "round trip") == description)
        }
    }
}

/// The lowering pass and the graph's reader counts decide fusion and in-place evaluation.
@Suite struct GraphLoweringTests {
    @Test func seedChainsBecomeTheFusedLayers() throws {
        let network = try Architecture.seed.build(on: ReferenceBackend())
        #expect(network.layers.map(\.name) == ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3", "conv4", "bn4",
                                               "flatten", "fc1", "relu5", "dropout1", "fc2", "relu6", "dropout2", "fc3"])
        let norms = network.layers.compactMap { $0 as? BatchNormLayer }
        #expect(norms.count == 4 && norms.allSatisfy { $0.fusedReLUPool && $0.mayOverwriteInput })
    }

    @Test func reluThenPoolFusesWithoutBatchNorm() throws {
        let network = try GraphValidationTests.build([GraphValidationTests.node("conv", .conv2d, channels: 2), GraphValidationTests.node("relu", .relu),
                                                      GraphValidationTests.node("pool", .maxpool)] + GraphValidationTests.head)
        #expect(network.layers.map(\.name) == ["conv", "pool", "flatten", "fc"])
        #expect((network.layers[1] as? MaxPoolLayer)?.fusedReLU == true)
    }

    @Test func batchNormOnTheNetworkInputIsNotEvaluatedInPlace() throws {
        let network = try GraphValidationTests.build([GraphValidationTests.node("bn", .batchnorm), GraphValidationTests.node("relu", .relu),
                                                      GraphValidationTests.node("pool", .maxpool)] + GraphValidationTests.head)
        let norm = try #require(network.layers[0] as? BatchNormLayer)
        #expect(norm.fusedReLUPool && !norm.mayOverwriteInput)
        // The caller's input is left as it was by an inference pass.
        let backend = network.backend
        let values = (0..<128).map { Float($0) / 7 }
        let input = try backend.tensor(values, [2, 8, 8, 1])
        _ = try network.forward(input, context: PassContext(mode: .inference))
        #expect(try backend.floats(input) == values)
    }
}
