import FERCore

extension Network {
    /// Builds the network a description specifies: checks it as a graph, lowers fusable chains
    /// to the fused layers, then makes each node's layer from its inputs' shapes (channel and
    /// feature counts are inferred, never restated).
    public convenience init(description: ModelDescription, backend: Backend) throws {
        guard description.input.count == 3, description.input.allSatisfy({ $0 > 0 }) else {
            throw GraphError.shapeMismatch(node: ModelDescription.inputName, shapes: [description.input], expected: "[height, width, channels], each > 0")
        }
        let (lowered, output) = FusionLowering.lower(try ResolvedGraph(description))
        var slots = [ModelDescription.inputName: 0]
        var shapes = [description.input]
        var ops = [NodeOp?.none]
        var built: [(layer: Layer, inputSlots: [Int])] = []
        var dropouts = 0
        for item in lowered {
            let node = item.node
            let inputSlots = (node.inputs ?? []).map { slots[$0]! }
            let inputShapes = inputSlots.map { shapes[$0] }
            if node.op == .dropout { dropouts += 1 }
            // A dense layer right after a flatten records the flattened [h, w, c] shape, so its
            // exported weight uses PyTorch's (c, h, w) flatten order.
            let flattenedFrom = node.op == .dense && ops[inputSlots[0]] == .flatten ? built[inputSlots[0] - 1].inputSlots.first.map { shapes[$0] } : nil
            let layer = try LayerFactory.make(node, fusion: item.fusion, inputShapes: inputShapes, backend: backend,
                                              dropoutIndex: dropouts, flattenedFrom: flattenedFrom)
            let shape: [Int]
            do {
                shape = try layer.outputShape(forInputs: inputShapes)
            } catch let ModelError.shapeMismatch(_, expected, actual) {
                throw GraphError.shapeMismatch(node: node.name, shapes: [actual], expected: expected)
            }
            slots[node.name] = shapes.count
            shapes.append(shape)
            ops.append(node.op)
            built.append((layer, inputSlots))
        }
        guard slots[output] == built.count else {
            throw GraphError.invalidAttribute(node: output, reason: "the output must be the last node in evaluation order")
        }
        guard let logits = shapes.last, logits.count == 1 else {
            throw GraphError.shapeMismatch(node: output, shapes: [shapes.last ?? []], expected: "[classes] (logits: end with a dense node)")
        }
        try self.init(architecture: description.name, backend: backend, inputShape: description.input, nodes: built,
                      modelDescription: description)
    }
}

/// Makes a node's layer; the one place that maps ops (and fusions) to layer types.
enum LayerFactory {
    static func make(_ node: NodeDescription, fusion: Fusion?, inputShapes: [[Int]], backend: Backend,
                     dropoutIndex: Int, flattenedFrom: [Int]?) throws -> Layer {
        let shape = inputShapes[0]
        func positive(_ value: Int?, _ attribute: String, default fallback: Int? = nil) throws -> Int {
            guard let result = value ?? fallback else { throw GraphError.invalidAttribute(node: node.name, reason: "\(node.op.rawValue) needs '\(attribute)'") }
            guard result > 0 else { throw GraphError.invalidAttribute(node: node.name, reason: "'\(attribute)' must be positive, is \(result)") }
            return result
        }
        func image() throws -> [Int] {
            guard shape.count == 3 else { throw GraphError.shapeMismatch(node: node.name, shapes: [shape], expected: "[height, width, channels]") }
            return shape
        }
        switch node.op {
        case .conv2d:
            let kernel = try positive(node.kernel, "kernel", default: 3)
            let padding = node.padding ?? kernel / 2
            guard padding >= 0 else { throw GraphError.invalidAttribute(node: node.name, reason: "'padding' must not be negative, is \(padding)") }
            return try Conv2dLayer(name: node.name, backend: backend, inChannels: try image()[2], outChannels: try positive(node.outChannels, "out_channels"),
                                   kernelSize: kernel, stride: try positive(node.stride, "stride", default: 1), padding: padding,
                                   hasBias: node.bias ?? true)
        case .batchnorm:
            guard let channels = shape.last else { throw GraphError.shapeMismatch(node: node.name, shapes: [shape], expected: "[..., channels]") }
            return try BatchNormLayer(name: node.name, backend: backend, channels: channels, fusedReLUPool: fusion == .batchNormReLUMaxPool,
                                      fusedReLU: fusion == .batchNormReLU)
        case .relu:
            return ReLULayer(name: node.name, backend: backend)
        case .maxpool:
            _ = try image()
            return MaxPoolLayer(name: node.name, backend: backend, fusedReLU: fusion == .reluMaxPool)
        case .flatten:
            return FlattenLayer(name: node.name)
        case .dense:
            guard shape.count == 1 else {
                throw GraphError.shapeMismatch(node: node.name, shapes: [shape], expected: "[features] (put a flatten or global_avg_pool node before it)")
            }
            return try DenseLayer(name: node.name, backend: backend, inFeatures: shape[0], outFeatures: try positive(node.outFeatures, "out_features"),
                                  flattenedFrom: flattenedFrom)
        case .dropout:
            let rate = node.rate ?? 0.5
            guard rate >= 0, rate < 1 else { throw GraphError.invalidAttribute(node: node.name, reason: "'rate' must be in [0, 1), is \(rate)") }
            return DropoutLayer(name: node.name, backend: backend, rate: rate, index: dropoutIndex)
        case .add:
            return AddLayer(name: node.name, backend: backend, fusedReLU: fusion == .addReLU)
        case .globalAvgPool:
            return GlobalAvgPoolLayer(name: node.name, backend: backend)
        case .sigmoid:
            return SigmoidLayer(name: node.name, backend: backend)
        case .channelScale:
            return ChannelScaleLayer(name: node.name, backend: backend)
        }
    }
}
