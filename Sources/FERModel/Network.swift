import FERCore

/// A network bound to one backend: a directed acyclic graph of layers, each reading the
/// values of earlier nodes (or the network input). Input is NHWC [batch, height, width,
/// channels]; output is logits [batch, classes].
///
/// Values are numbered by slot: slot 0 is the network input, slot i + 1 node i's output.
/// Nodes are stored in a topological order, so forward runs them in order and backward in
/// reverse. How many nodes read each value is counted once here; it decides when a pass
/// drops a value or a gradient (after its last reader), where gradients fan in (several
/// readers: their gradients are summed), and where a layer may overwrite its input in
/// place (only as the value's sole reader).
public final class Network {
    /// One node: its layer and the slots of the values it reads.
    public struct Node {
        public let layer: Layer
        public let inputSlots: [Int]
        /// Per-sample output shape.
        public let outputShape: [Int]
    }

    public let architecture: String
    /// The description the network was built from; model files store it. Nil for networks
    /// assembled from layers in code (tests).
    public let modelDescription: ModelDescription?
    public let backend: Backend
    /// Per-sample input shape [height, width, channels].
    public let inputShape: [Int]
    public let classes: Int
    public let nodes: [Node]
    public let outputSlot: Int
    /// Per slot, how many node inputs read it.
    public let readerCounts: [Int]
    /// Every activation gradient of a backward pass, the sums of fanned-in ones included.
    public let gradients: BufferPool
    /// The values of an inference pass, each held until its last reader has run.
    public let inferenceValues: BufferPool

    /// - Parameter nodes: layers with the slots they read, in a topological order (every
    ///   input slot is 0 or an earlier node's); the last node is the output.
    public init(architecture: String, backend: Backend, inputShape: [Int], nodes: [(layer: Layer, inputSlots: [Int])],
                modelDescription: ModelDescription? = nil) throws {
        self.architecture = architecture
        self.backend = backend
        self.inputShape = inputShape
        self.modelDescription = modelDescription
        var shapes = [inputShape]
        var built: [Node] = []
        var readers = [Int](repeating: 0, count: nodes.count + 1)
        for (index, node) in nodes.enumerated() {
            guard !node.inputSlots.isEmpty, node.inputSlots.allSatisfy({ $0 >= 0 && $0 <= index }) else {
                throw ModelError.invalidGraph(layer: node.layer.name, reason: "reads slots \(node.inputSlots), only 0...\(index) exist before it")
            }
            let shape = try node.layer.outputShape(forInputs: node.inputSlots.map { shapes[$0] })
            shapes.append(shape)
            built.append(Node(layer: node.layer, inputSlots: node.inputSlots, outputShape: shape))
            for slot in node.inputSlots { readers[slot] += 1 }
        }
        guard let last = built.last else { throw ModelError.invalidGraph(layer: architecture, reason: "no layers") }
        guard last.outputShape.count == 1 else {
            throw ModelError.shapeMismatch(layer: "output", expected: "[classes]", actual: last.outputShape)
        }
        self.nodes = built
        outputSlot = built.count
        readerCounts = readers
        classes = last.outputShape[0]
        gradients = BufferPool(backend: backend)
        inferenceValues = BufferPool(backend: backend)
        // In-place inference only over a value nothing else reads, and never over the caller's input.
        for node in built {
            if let norm = node.layer as? BatchNormLayer {
                norm.mayOverwriteInput = node.inputSlots.count == 1 && node.inputSlots[0] != 0 && readers[node.inputSlots[0]] == 1
            }
        }
    }

    /// A chain: each layer reads the previous one's output.
    public convenience init(architecture: String, backend: Backend, inputShape: [Int], layers: [Layer]) throws {
        try self.init(architecture: architecture, backend: backend, inputShape: inputShape,
                      nodes: layers.enumerated().map { ($0.element, [$0.offset]) })
    }

    public var layers: [Layer] { nodes.map(\.layer) }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    /// Multiply-adds x 2 of one image's forward pass.
    public var forwardFLOPs: Double { layers.reduce(0) { $0 + $1.forwardFLOPs() } }

    /// Per-sample shape of the value in `slot`.
    public func shape(ofSlot slot: Int) -> [Int] { slot == 0 ? inputShape : nodes[slot - 1].outputShape }

    /// Runs the nodes in order. `input` is never written.
    public func forward(_ input: Tensor, context: PassContext) throws -> Tensor {
        let pass = try ForwardPass(network: self, input: input, context: context)
        while !pass.isDone { _ = try pass.step() }
        return try pass.output()
    }

    /// Backpropagates the gradient of the loss w.r.t. the logits, writing every parameter's gradient.
    public func backward(_ logitsGrad: Tensor, context: PassContext) throws {
        let pass = BackwardPass(network: self, logitsGrad: logitsGrad, context: context)
        while !pass.isDone { _ = try pass.step() }
    }

    /// PyTorch's default initialisation, each layer saying which of its parameters take
    /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (Conv2d and Linear weights and biases) and which keep
    /// their constructor values (batch norm's gamma 1, beta 0, running mean 0, variance 1).
    /// Values are drawn in PyTorch's layout from Philox(seed, parameter index), so a seed gives
    /// the same model whatever the engine's layout.
    public func initialize(seed: UInt64) throws {
        var index = 0
        for layer in layers {
            for parameter in layer.parameters {
                defer { index += 1 }
                guard let fanIn = layer.initializationFanIn(of: parameter) else { continue }
                let bound = 1 / Float(fanIn).squareRoot()
                var generator = PhiloxGenerator(seed: seed, stream: UInt64(index))
                let values = (0..<parameter.count).map { _ in generator.uniform(-bound, bound) }
                try backend.upload(parameter.layout.fromPyTorch(values), to: parameter.value)
            }
        }
    }
}
