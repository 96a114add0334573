import FERCore
import FERModel
import ReferenceBackend
import Testing

/// The network's buffer pools: gradients and inference values are reused once consumed, and
/// reuse never lets one pass's leftovers into the next pass's results.
@Suite struct BufferPoolTests {
    /// Six same-shaped convolutions with ReLUs: 11 activation gradients of one size.
    static let chain = ModelDescription(name: "chain", input: [6, 6, 4], nodes:
        (1...6).flatMap { [NodeDescription(name: "conv\($0)", op: .conv2d, outChannels: 4), NodeDescription(name: "relu\($0)", op: .relu)] }
        + [NodeDescription(name: "pool", op: .globalAvgPool), NodeDescription(name: "fc", op: .dense, outFeatures: 3)])

    static func step(_ network: Network, _ backend: ReferenceBackend, seed: UInt64 = 5) throws -> [[Float]] {
        var generator = PhiloxGenerator(seed: seed)
        let shape = [2] + network.inputShape
        let input = try backend.tensor((0..<shape.reduce(1, *)).map { _ in generator.uniform(-1, 1) }, shape)
        let context = PassContext(mode: .training)
        _ = try network.forward(input, context: context)
        try network.backward(try backend.tensor((0..<2 * network.classes).map { _ in generator.uniform(-1, 1) }, [2, network.classes]),
                             context: context)
        return try network.parameters.map { try backend.floats($0.gradient) }
    }

    @Test func aChainKeepsTwoGradientsAtATime() throws {
        let backend = ReferenceBackend()
        let network = try Network(description: Self.chain, backend: backend)
        try network.initialize(seed: 3)
        _ = try Self.step(network, backend)
        let mapBytes = 2 * 6 * 6 * 4 * 4, pooledBytes = 2 * 4 * 4
        // Going backwards, a node writes its input's gradient while reading its output's: two
        // maps alive at once (and the pooled features' small gradient, too small to reuse),
        // where a buffer per layer would hold 11 maps.
        #expect(network.gradients.allocatedBytes == 2 * mapBytes + pooledBytes)
        _ = try Self.step(network, backend)
        #expect(network.gradients.allocatedBytes == 2 * mapBytes + pooledBytes, "a later step allocated")
    }

    /// The same step twice gives the same gradients bit for bit although the second one runs in
    /// reused buffers, including the sums of a value read by two nodes.
    @Test func reusedBuffersGiveTheSameGradients() throws {
        let backend = ReferenceBackend()
        let network = try Network(description: ResidualGraphTests.joinGraph, backend: backend)
        try network.initialize(seed: 11)
        let first = try Self.step(network, backend)
        _ = try Self.step(network, backend, seed: 9)
        let again = try Self.step(network, backend)
        #expect(first == again)
    }

    static func input(_ network: Network, _ backend: ReferenceBackend) throws -> Tensor {
        var generator = PhiloxGenerator(seed: 8)
        let shape = [2] + network.inputShape
        return try backend.tensor((0..<shape.reduce(1, *)).map { _ in generator.uniform(-1, 1) }, shape)
    }

    /// A network that never trained evaluates in pooled buffers: two maps at a time instead of
    /// one per node, with the same logits as a trained network's own buffers give.
    @Test func inferenceOfAnUntrainedNetworkKeepsTwoValuesAtATime() throws {
        let backend = ReferenceBackend()
        let pooled = try Network(description: Self.chain, backend: backend)
        let own = try Network(description: Self.chain, backend: backend)
        try pooled.initialize(seed: 3)
        try own.initialize(seed: 3)
        let input = try Self.input(pooled, backend)
        _ = try own.forward(input, context: PassContext(mode: .training))
        let expected = try backend.floats(try own.forward(input, context: PassContext(mode: .inference)))
        #expect(own.inferenceValues.allocatedBytes == 0, "a trained network's inference reuses its own buffers")
        let first = try backend.floats(try pooled.forward(input, context: PassContext(mode: .inference)))
        let again = try backend.floats(try pooled.forward(input, context: PassContext(mode: .inference)))
        #expect(first == expected && again == expected)
        // The pooled features reuse a map that is free by then; the output (the dense layer's
        // logits) stays the layer's own: the caller reads it after the pass.
        #expect(pooled.inferenceValues.allocatedBytes == 2 * (2 * 6 * 6 * 4 * 4))
    }
}
