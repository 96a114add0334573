import FERCore
import FERModel
import ReferenceBackend
import Testing

/// Graphs with joins: a value read by two nodes gets the sum of both gradients, and a small
/// residual network learns on the reference backend.
@Suite struct ResidualGraphTests {
    /// conv -> sigmoid s; conv(s) + s (s has two readers: the gradient fans in); pooled; dense.
    static let joinGraph = ModelDescription(name: "join", input: [4, 4, 1], nodes: [
        NodeDescription(name: "a", op: .conv2d, outChannels: 2),
        NodeDescription(name: "s", op: .sigmoid),
        NodeDescription(name: "b", op: .conv2d, outChannels: 2),
        NodeDescription(name: "join", op: .add, inputs: ["b", "s"]),
        NodeDescription(name: "gate", op: .globalAvgPool, inputs: ["s"]),
        NodeDescription(name: "gate_sigmoid", op: .sigmoid),
        NodeDescription(name: "scaled", op: .channelScale, inputs: ["join", "gate_sigmoid"]),
        NodeDescription(name: "pool", op: .globalAvgPool),
        NodeDescription(name: "fc", op: .dense, outFeatures: 3),
    ])

    @Test func gradientOfAGraphWithJoinsMatchesFiniteDifferences() throws {
        let backend = ReferenceBackend()
        let network = try Network(description: Self.joinGraph, backend: backend)
        try network.initialize(seed: 11)
        var generator = PhiloxGenerator(seed: 4)
        let batch = 2
        let input = try backend.tensor((0..<batch * 16).map { _ in generator.uniform(-1, 1) }, [batch, 4, 4, 1])
        // Loss = sum(w * logits), so dLoss/dlogits = w.
        let weights = (0..<batch * 3).map { _ in generator.uniform(-1, 1) }
        func loss() throws -> Double {
            let logits = try backend.floats(try network.forward(input, context: PassContext(mode: .training)))
            return zip(logits, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = try loss()
        try network.backward(try backend.tensor(weights, [batch, 3]), context: PassContext(mode: .training))
        let step: Float = 1e-2
        for parameter in network.parameters {
            let analytic = try backend.floats(parameter.gradient)
            var values = try backend.floats(parameter.value)
            for index in values.indices {
                let original = values[index]
                values[index] = original + step
                try backend.upload(values, to: parameter.value)
                let plus = try loss()
                values[index] = original - step
                try backend.upload(values, to: parameter.value)
                let minus = try loss()
                values[index] = original
                try backend.upload(values, to: parameter.value)
                let numeric = Float((plus - minus) / Double(2 * step))
                let scale = max(abs(analytic[index]), abs(numeric), 1e-2)
                #expect(abs(analytic[index] - numeric) / scale < 2e-2, "\(parameter.name)[\(index)]: analytic \(analytic[index]), numeric \(numeric)")
            }
        }
    }

    @Test func residualToyModelLearnsASyntheticTask() throws {
        let backend = ReferenceBackend()
        let description = ModelDescription(name: "toy-resnet", input: [8, 8, 1], nodes: [
            NodeDescription(name: "conv1", op: .conv2d, outChannels: 4, bias: false),
            NodeDescription(name: "bn1", op: .batchnorm),
            NodeDescription(name: "relu1", op: .relu),
            NodeDescription(name: "block.conv", op: .conv2d, outChannels: 4, bias: false),
            NodeDescription(name: "block.bn", op: .batchnorm),
            NodeDescription(name: "block.add", op: .add, inputs: ["block.bn", "relu1"]),
            NodeDescription(name: "block.relu", op: .relu),
            NodeDescription(name: "pool", op: .maxpool),
            NodeDescription(name: "flatten", op: .flatten),
            NodeDescription(name: "fc", op: .dense, outFeatures: 2),
        ])
        let network = try Network(description: description, backend: backend)
        #expect(network.layers.map(\.kind).contains("add+relu"))
        #expect(network.readerCounts.contains(2))
        try network.initialize(seed: 3)
        let loss = try SoftmaxCrossEntropyLoss(backend: backend, classes: 2)
        let optimizer = AdamOptimizer(AdamHyperparameters(learningRate: 0.01))
        var generator = PhiloxGenerator(seed: 9)
        var losses: [Float] = []
        for step in 1...40 {
            var images: [Float] = [], labels: [Int32] = []
            for _ in 0..<16 {
                let label = Int32(generator.next() % 2)
                for _ in 0..<8 { for x in 0..<8 { images.append((x < 4) == (label == 0) ? generator.uniform(0.5, 1) : generator.uniform(0, 0.5)) } }
                labels.append(label)
            }
            let context = PassContext(mode: .training, seed: 1, step: step)
            let logits = try network.forward(try backend.tensor(images, [16, 8, 8, 1]), context: context)
            let out = try loss(logits: logits, labels: try backend.intTensor(labels, [16]))
            try network.backward(out.logitsGrad, context: context)
            try optimizer.update(network.parameters, on: backend)
            losses.append(try backend.floats(out.loss)[0])
        }
        #expect(losses.first! > 0.5)
        #expect(losses.suffix(5).reduce(0, +) / 5 < 0.2)
    }

    @Test func addWithDifferentShapesNamesBothShapes() {
        let description = ModelDescription(name: "bad", input: [8, 8, 1], nodes: [
            NodeDescription(name: "conv", op: .conv2d, outChannels: 4),
            NodeDescription(name: "join", op: .add, inputs: ["conv", "input"]),
            NodeDescription(name: "flatten", op: .flatten),
            NodeDescription(name: "fc", op: .dense, outFeatures: 2),
        ])
        #expect(throws: GraphError.shapeMismatch(node: "join", shapes: [[8, 8, 4], [8, 8, 1]], expected: "equal shapes")) {
            try Network(description: description, backend: ReferenceBackend())
        }
    }
}
