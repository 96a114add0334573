import FERCore
import FERModel

/// The whole-network half of `fer-cl verify`: one training step of an architecture (forward,
/// loss, backward, Adam) on both backends from the same initial weights and batch, compared
/// layer by layer.
///
/// The two networks run in lockstep. After each layer's forward pass its outputs are
/// compared. ReLU and max-pool make discrete decisions (y > 0, which window element is the
/// largest); where float32 rounding puts a value within rounding of the decision boundary
/// the backends may decide differently, and the backward pass then routes a whole gradient
/// element differently. Each differing decision is accepted only if the reference's margin
/// is below `Tolerance.decisionMargin` of the tensor's magnitude (a near-tie, counted in
/// the note); the reference then adopts the candidate's decision so that the backward
/// comparison measures arithmetic, not a coin flip. Any other difference fails.
///
/// Updated parameters after a first Adam step move by lr * g / (|g| + eps), about
/// lr * sign(g): an element whose gradient is at rounding-noise level, or near Adam's eps
/// where the update is steep in g, may land up to 2 * lr apart. Such an element (|g| on both
/// backends at most 10x the largest gradient difference between them for that tensor, or at
/// most 100 * eps, and not exactly 0 on both) is checked only to have moved no more than
/// 2 * lr, and counted in the note; all others use the plain rule. (A rounding-level gradient
/// may be exactly 0 on one backend only: the residual networks' last stage, 3x3 pixels at
/// batch 4, has such elements.) Conv biases feeding batch norm have a gradient that is
/// mathematically zero (only rounding remains), so all their elements are noise-level.
public struct WholeStepCheck {
    let reference: Backend
    let candidate: Backend
    public var architecture: Architecture = .seed
    public var batch = 4
    public var seed: UInt64 = 2013
    public var hyperparameters = AdamHyperparameters(learningRate: 1e-3)

    public init(reference: Backend, candidate: Backend) {
        self.reference = reference
        self.candidate = candidate
    }

    public func run() throws -> [Comparison] {
        let ref = try architecture.build(on: reference)
        let cand = try architecture.build(on: candidate)
        try ref.initialize(seed: seed)
        for (r, c) in zip(ref.parameters, cand.parameters) {
            try candidate.upload(try reference.floats(r.value), to: c.value)
        }
        var inputs = RandomInputs(seed: seed ^ 0x5EED)
        let imageCount = batch * ref.inputShape.reduce(1, *)
        let images = inputs.uniform(imageCount, 0, 1)
        let labels = inputs.labels(batch, classes: ref.classes)
        let context = PassContext(mode: .training, seed: seed, step: 1)
        var comparisons: [Comparison] = []

        // Forward, node by node.
        let forwardRef = try ForwardPass(network: ref, input: try reference.tensor(images, [batch] + ref.inputShape), context: context)
        let forwardCand = try ForwardPass(network: cand, input: try candidate.tensor(images, [batch] + cand.inputShape), context: context)
        while !forwardRef.isDone {
            let lr = ref.nodes[forwardRef.nextNode].layer, lc = cand.nodes[forwardCand.nextNode].layer
            let forwardInputsRef = try forwardRef.nextInputs()
            let xr = forwardInputsRef[0]
            let inputRef = try reference.floats(xr)
            let yr = try forwardRef.step()
            let yc = try forwardCand.step()
            var note = ""
            if lr is ReLULayer {
                note = try reconcileReLU(inputRef: inputRef, yr: yr, yc: yc)
            } else if let pool = lr as? MaxPoolLayer, let poolCandidate = lc as? MaxPoolLayer,
                      let argRef = try pool.lastArgmax(), let argCand = try poolCandidate.lastArgmax() {
                note = try reconcileMaxPool(values: inputRef, height: pool.inputShape[0], width: pool.inputShape[1],
                                            argRef: argRef, argCand: argCand, yr: yr, yc: yc)
            } else if let norm = lr as? BatchNormLayer, norm.fusedReLUPool, let normCandidate = lc as? BatchNormLayer,
                      let argRef = norm.lastArgmax, let argCand = normCandidate.lastArgmax {
                // The windows' candidates are the normalised values, which the fused op never stores.
                note = try reconcileMaxPool(values: try normalized(inputRef, by: norm), height: xr.shape[1], width: xr.shape[2],
                                            argRef: argRef, argCand: argCand, yr: yr, yc: yc)
            } else if let norm = lr as? BatchNormLayer, norm.fusedReLU {
                note = try reconcileBatchNormReLU(norm, input: xr, inputRef: inputRef, yr: yr, yc: yc)
            } else if let add = lr as? AddLayer, add.fusedReLU {
                // The ReLU decides on the sum, and its backward pass reads the (shared) output.
                let operands = try forwardInputsRef.map { try reference.floats($0) }
                let sum = operands.dropFirst().reduce(operands[0]) { zip($0, $1).map { $0 + $1 } }
                note = try reconcileReLU(inputRef: sum, yr: yr, yc: yc)
            }
            if !(lr is FlattenLayer) {
                comparisons.append(.floats("\(lr.name) output", try candidate.floats(yc), try reference.floats(yr),
                                           tolerance: Tolerance.stepForward, note: note))
            }
            for (sr, sc) in zip(lr.stateTensors, lc.stateTensors) {
                comparisons.append(.floats(sr.name, try candidate.floats(sc.value), try reference.floats(sr.value), tolerance: Tolerance.stepForward))
            }
        }
        let xr = try forwardRef.output(), xc = try forwardCand.output()

        // Loss and its gradient.
        let lossRef = try SoftmaxCrossEntropyLoss(backend: reference, classes: ref.classes)
        let lossCand = try SoftmaxCrossEntropyLoss(backend: candidate, classes: cand.classes)
        let outRef = try lossRef(logits: xr, labels: try reference.intTensor(labels, [batch]))
        let outCand = try lossCand(logits: xc, labels: try candidate.intTensor(labels, [batch]))
        comparisons.append(.floats("loss", try candidate.floats(outCand.loss), try reference.floats(outRef.loss), tolerance: Tolerance.stepForward))
        comparisons.append(.floats("logits grad", try candidate.floats(outCand.logitsGrad), try reference.floats(outRef.logitsGrad),
                                   tolerance: Tolerance.stepGradient))

        // Backward, node by node in reverse.
        let backwardRef = BackwardPass(network: ref, logitsGrad: outRef.logitsGrad, context: context)
        let backwardCand = BackwardPass(network: cand, logitsGrad: outCand.logitsGrad, context: context)
        let biasesBeforeBatchNorm = Self.biasesFeedingBatchNorm(ref)
        while !backwardRef.isDone {
            let lr = ref.nodes[backwardRef.nextNode].layer, lc = cand.nodes[backwardCand.nextNode].layer
            let outputGradRef = try backwardRef.nextOutputGrad().map { try reference.floats($0) } ?? []
            let inputGradsRef = try backwardRef.step()
            let inputGradsCand = try backwardCand.step()
            for (pr, pc) in zip(lr.parameters, lc.parameters) {
                var scale: Float? = nil, note = ""
                if biasesBeforeBatchNorm.contains(pr.name) {
                    // Mathematically zero (batch norm removes any constant shift): measure against the
                    // sum of the magnitudes of the terms it sums.
                    scale = Self.largestColumnMagnitudeSum(outputGradRef, columns: pr.count)
                    note = "cancelling sum: scale = max_c sum|dy|"
                }
                comparisons.append(.floats("\(pr.name) grad", try candidate.floats(pc.gradient), try reference.floats(pr.gradient),
                                           tolerance: Tolerance.stepGradient, scale: scale, note: note))
            }
            for (position, (gr, gc)) in zip(inputGradsRef, inputGradsCand).enumerated() where !(lr is FlattenLayer) {
                guard let gr, let gc else { continue }
                comparisons.append(.floats("\(lr.name) input\(inputGradsRef.count > 1 ? " \(position)" : "") grad",
                                           try candidate.floats(gc), try reference.floats(gr), tolerance: Tolerance.stepGradient))
            }
        }

        // Adam.
        let gradientsRef = try ref.parameters.map { try reference.floats($0.gradient) }
        let gradientsCand = try cand.parameters.map { try candidate.floats($0.gradient) }
        let gradientErrors = try zip(ref.parameters, cand.parameters).map { pr, pc -> Float in
            let a = try candidate.floats(pc.gradient), b = try reference.floats(pr.gradient)
            return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
        }
        try AdamOptimizer(hyperparameters).update(ref.parameters, on: reference)
        try AdamOptimizer(hyperparameters).update(cand.parameters, on: candidate)
        for (index, (pr, pc)) in zip(ref.parameters, cand.parameters).enumerated() {
            let cancelling = biasesBeforeBatchNorm.contains(pr.name)
            comparisons.append(compareUpdated(pr.name, try candidate.floats(pc.value), try reference.floats(pr.value),
                                              gradient: gradientsRef[index], candidateGradient: gradientsCand[index], gradientNoise: gradientErrors[index], allNoise: cancelling))
        }
        return comparisons
    }

    /// Parameters whose gradient is a cancelling sum: biases of convolutions whose output only batch norm reads.
    static func biasesFeedingBatchNorm(_ network: Network) -> Set<String> {
        var names: Set<String> = []
        for node in network.nodes where node.layer is BatchNormLayer {
            let slot = node.inputSlots[0]
            guard slot > 0, network.readerCounts[slot] == 1, let conv = network.nodes[slot - 1].layer as? Conv2dLayer,
                  let bias = conv.bias else { continue }
            names.insert(bias.name)
        }
        return names
    }

    /// Fused batch norm + ReLU decides on the normalised values, and its backward pass recomputes
    /// that mask from the input and statistics. A shared near-tie decision therefore also moves
    /// the reference's input element (by less than the decision margin, a rounding-level change)
    /// to the candidate's side of the boundary, so that both backward passes route alike.
    private func reconcileBatchNormReLU(_ norm: BatchNormLayer, input: Tensor, inputRef: [Float], yr: Tensor, yc: Tensor) throws -> String {
        let preactivation = try normalized(inputRef, by: norm)
        let note = try reconcileReLU(inputRef: preactivation, yr: yr, yc: yc)
        guard note.hasSuffix("shared") else { return note }
        let decided = try candidate.floats(yc)
        let mean = try reference.floats(norm.savedMean), invStd = try reference.floats(norm.savedInvStd)
        let gamma = try reference.floats(norm.gamma.value), beta = try reference.floats(norm.beta.value)
        let offset = Tolerance.decisionMargin * maxMagnitude(preactivation) / 2
        var moved = inputRef
        for i in moved.indices where (decided[i] > 0) != (preactivation[i] > 0) {
            let c = i % norm.channels
            guard gamma[c] != 0, invStd[c] != 0 else { return "a near-tie decision in a channel with gamma 0" }
            moved[i] = mean[c] + ((decided[i] > 0 ? offset : -offset) - beta[c]) / (gamma[c] * invStd[c])
        }
        try reference.upload(moved, to: input)
        return note + " (input moved to the candidate's side)"
    }

    /// gamma * (x - mean) * invStd + beta per channel, with the reference's last batch statistics.
    private func normalized(_ input: [Float], by norm: BatchNormLayer) throws -> [Float] {
        let mean = try reference.floats(norm.savedMean), invStd = try reference.floats(norm.savedInvStd)
        let gamma = try reference.floats(norm.gamma.value), beta = try reference.floats(norm.beta.value)
        return input.indices.map { e in
            let c = e % norm.channels
            return gamma[c] * (input[e] - mean[c]) * invStd[c] + beta[c]
        }
    }

    static func largestColumnMagnitudeSum(_ values: [Float], columns: Int) -> Float {
        var sums = [Float](repeating: 0, count: columns)
        for (index, value) in values.enumerated() { sums[index % columns] += abs(value) }
        return sums.max() ?? 0
    }

    private func reconcileReLU(inputRef: [Float], yr: Tensor, yc: Tensor) throws -> String {
        let a = try candidate.floats(yc), b = try reference.floats(yr)
        let margin = Tolerance.decisionMargin * maxMagnitude(inputRef)
        var flips = 0, unexplained = 0
        for i in 0..<a.count where (a[i] > 0) != (b[i] > 0) {
            flips += 1
            if abs(inputRef[i]) > margin { unexplained += 1 }
        }
        guard flips > 0 else { return "" }
        guard unexplained == 0 else { return "\(unexplained) decisions differ away from the boundary" }
        try reference.upload(a, to: yr)
        return "\(flips) near-tie decisions shared"
    }

    /// `values`: the reference's pool input (NHWC, `height` x `width`), the values the windows chose from.
    private func reconcileMaxPool(values inputRef: [Float], height: Int, width: Int, argRef: Tensor, argCand: Tensor,
                                  yr: Tensor, yc: Tensor) throws -> String {
        let comparison = Comparison.ints("argmax", try candidate.ints(argCand), try reference.ints(argRef))
        guard !comparison.passed else { return "" }
        // A differing window choice is legitimate when the two chosen values are equal to within rounding.
        let a = try candidate.ints(argCand), b = try reference.ints(argRef)
        let channels = yr.shape[3], outHeight = yr.shape[1], outWidth = yr.shape[2]
        let margin = Tolerance.decisionMargin * maxMagnitude(inputRef)
        var flips = 0, unexplained = 0
        for e in 0..<a.count where a[e] != b[e] {
            flips += 1
            let c = e % channels, ox = (e / channels) % outWidth, oy = (e / (channels * outWidth)) % outHeight
            let n = e / (channels * outWidth * outHeight)
            func value(_ position: Int32) -> Float {
                // -1: the fused ReLU's "maximum not positive", whose output is 0.
                if position < 0 { return 0 }
                return inputRef[((n * height + 2 * oy + Int(position) / 2) * width + 2 * ox + Int(position) % 2) * channels + c]
            }
            if abs(value(a[e]) - value(b[e])) > margin { unexplained += 1 }
        }
        guard unexplained == 0 else { return "\(unexplained) window choices differ away from a tie" }
        try reference.upload(a, to: argRef)
        try reference.upload(try candidate.floats(yc), to: yr)
        return "\(flips) near-tie window choices shared"
    }

    private func compareUpdated(_ name: String, _ a: [Float], _ b: [Float], gradient: [Float], candidateGradient: [Float], gradientNoise: Float,
                                allNoise: Bool) -> Comparison {
        let scale = max(maxMagnitude(b), 1e-12)
        let allowedNoise = max(10 * gradientNoise, 100 * hyperparameters.epsilon)
        let signFlipDistance = 2 * hyperparameters.learningRate * (1 + Tolerance.stepGradient)
        var worst: Float = 0, noiseLevel = 0
        for i in 0..<a.count {
            let d = abs(a[i] - b[i])
            if d.isNaN { return Comparison(name: "\(name) updated", error: .infinity, tolerance: Tolerance.stepGradient) }
            // Noise-level on either backend; both exactly 0 (a dead unit) must leave the element unmoved on both.
            let gradients = (gradient[i], candidateGradient[i])
            if allNoise || (gradients != (0, 0) && max(abs(gradients.0), abs(gradients.1)) <= allowedNoise) {
                noiseLevel += 1
                if d > signFlipDistance { worst = .infinity }
                continue
            }
            worst = max(worst, d / scale)
        }
        let note = noiseLevel > 0 ? "\(noiseLevel) with noise-level |g|: moved <= 2 lr" : ""
        return Comparison(name: "\(name) updated", error: worst, tolerance: Tolerance.stepGradient, note: note)
    }
}
