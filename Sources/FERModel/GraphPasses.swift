import FERCore

/// One forward pass over a network's graph, a node at a time (`Network.forward` runs it to
/// the end; verification steps two networks in lockstep). Each value is dropped once its
/// last reader has run, so nothing outlives its use but the layers' own saved inputs; in an
/// inference pass the values live in the network's `inferenceValues` pool, which takes each
/// buffer back then (all but the output's, which the caller reads after the pass).
public final class ForwardPass {
    public let network: Network
    let context: PassContext
    private var values: [Tensor?]
    private var remainingReaders: [Int]
    private let pool: BufferPool?
    /// The index of the node `step` runs next.
    public private(set) var nextNode = 0

    public init(network: Network, input: Tensor, context: PassContext) throws {
        guard Array(input.shape.dropFirst()) == network.inputShape else {
            throw ModelError.shapeMismatch(layer: "input", expected: "[batch] + \(network.inputShape)", actual: input.shape)
        }
        self.network = network
        self.context = context
        values = [input] + [Tensor?](repeating: nil, count: network.nodes.count)
        remainingReaders = network.readerCounts
        pool = context.mode == .inference ? network.inferenceValues : nil
        pool?.keepOnly([])
    }

    public var isDone: Bool { nextNode == network.nodes.count }

    /// The values the next node reads, in its input order.
    public func nextInputs() throws -> [Tensor] {
        try network.nodes[nextNode].inputSlots.map { slot in
            guard let value = values[slot] else { throw ModelError.invalidGraph(layer: network.nodes[nextNode].layer.name, reason: "reads slot \(slot), already released") }
            return value
        }
    }

    /// Runs the next node and returns its output.
    public func step() throws -> Tensor {
        let node = network.nodes[nextNode]
        let isOutput = nextNode + 1 == network.outputSlot
        let output = try node.layer.forward(inputs: try nextInputs(), pool: isOutput ? nil : pool, context: context)
        values[nextNode + 1] = output
        for slot in node.inputSlots {
            remainingReaders[slot] -= 1
            if remainingReaders[slot] == 0 && slot != network.outputSlot { values[slot] = nil }
        }
        pool?.keepOnly(values)
        nextNode += 1
        return output
    }

    /// The logits, once every node has run.
    public func output() throws -> Tensor {
        guard isDone, let logits = values[network.outputSlot] else {
            throw ModelError.invalidGraph(layer: network.architecture, reason: "output read before the forward pass finished")
        }
        return logits
    }
}

/// One backward pass, the nodes in reverse order. A value read by several nodes receives one
/// gradient from each; they are summed into a buffer of the slot's own from the network's
/// gradient pool (never into a tensor a layer returned, which may be another slot's gradient
/// too: add passes its output gradient to both inputs unchanged). Each gradient is dropped
/// once its producer's backward pass has consumed it, and after every node the pool takes
/// back each buffer no held gradient lives in.
public final class BackwardPass {
    public let network: Network
    let context: PassContext
    private var gradients: [Tensor?]
    /// Whether gradients[slot] is the slot's own sum buffer, which later readers add into in place.
    private var holdsSum: [Bool]
    /// The index of the node `step` runs next (counting down; -1 when done).
    public private(set) var nextNode: Int

    public init(network: Network, logitsGrad: Tensor, context: PassContext) {
        self.network = network
        self.context = context
        gradients = [Tensor?](repeating: nil, count: network.nodes.count + 1)
        gradients[network.outputSlot] = logitsGrad
        holdsSum = [Bool](repeating: false, count: network.nodes.count + 1)
        nextNode = network.nodes.count - 1
        // A pass abandoned half-way (an error) leaves nothing handed out for this one.
        network.gradients.keepOnly([])
    }

    public var isDone: Bool { nextNode < 0 }

    /// The gradient of the next node's output (all its readers' contributions summed).
    public func nextOutputGrad() -> Tensor? { gradients[nextNode + 1] }

    /// Runs the next node's backward pass; returns its input gradients (nil for the network
    /// input), or an empty list for a node the loss does not depend on. They are valid until
    /// the next step (one that was summed into a slot's buffer goes back to the pool now and
    /// is reused by the next node).
    @discardableResult
    public func step() throws -> [Tensor?] {
        let index = nextNode
        nextNode -= 1
        let node = network.nodes[index]
        guard let outputGrad = gradients[index + 1] else { return [] }
        gradients[index + 1] = nil
        let inputGrads = try node.layer.backward(outputGrad, needsInputGradients: node.inputSlots.map { $0 != 0 },
                                                 gradients: network.gradients, context: context)
        guard inputGrads.count == node.inputSlots.count else {
            throw ModelError.inputCount(layer: node.layer.name, expected: node.inputSlots.count, actual: inputGrads.count)
        }
        for (slot, grad) in zip(node.inputSlots, inputGrads) where slot != 0 {
            guard let grad else { continue }
            try accumulate(grad, into: slot)
        }
        network.gradients.keepOnly(gradients)
        return inputGrads
    }

    private func accumulate(_ grad: Tensor, into slot: Int) throws {
        guard let existing = gradients[slot] else {
            gradients[slot] = grad
            return
        }
        if holdsSum[slot] {
            try network.backend.add(a: existing, b: grad, output: existing)
        } else {
            let sum = try network.gradients.tensor(batch: existing.batch, sampleShape: network.shape(ofSlot: slot))
            try network.backend.add(a: existing, b: grad, output: sum)
            gradients[slot] = sum
            holdsSum[slot] = true
        }
    }
}
