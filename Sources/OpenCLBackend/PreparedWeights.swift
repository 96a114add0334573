import FERCore

/// Weights in the form a product reads them (Winograd's transformed filters U, the GEMM's
/// column panels), kept per weight tensor by a backend made with `keepsPreparedWeights` (the
/// commands that only run a loaded model: evaluate, predict, serve, report), so each layer's
/// form is computed once instead of on every call: with one to four faces per video frame,
/// preparing U was 7.8% of the frame's samples.
///
/// A kept form is forgotten when its weight is written. Only `write`, `sgdStep`, `adamStep` and
/// `emaUpdate` write a tensor that a product reads as a weight (Backend.swift's conventions), and
/// each calls `forgetPreparedWeights(of:)` on its output. Without `keepsPreparedWeights` (training,
/// whose weights change every step) every call prepares into scratch shared by all layers, which
/// holds one layer's form rather than every layer's.
struct PreparedWeightKey: Hashable {
    let storage: ObjectIdentifier
    /// The scratch role, the layout and the weight's size, e.g. "winograd filters 36x2x64x128 of 73728".
    let form: String
}

/// A kept form and, weakly, the weight it was prepared from: an identifier is reused once its
/// object is freed, so a form counts only while its own weight is alive (another model's
/// tensors, `report` scoring several, never find a freed model's forms).
struct PreparedWeight {
    weak var source: TensorStorage?
    let tensor: Tensor
}

extension OpenCLBackend {
    /// `weight` prepared by `prepare` into `count` floats laid out as `layout`: a kept tensor when
    /// the backend keeps prepared weights (prepared on first use), else the scratch of `role`.
    func preparedWeight(_ weight: KernelArgument, role: String, layout: @autoclosure () -> String, count: Int,
                        prepare: (KernelArgument) throws -> Void) throws -> KernelArgument {
        let state = extras
        guard state.keepsPreparedWeights, case let .tensor(source) = weight else {
            let scratchTensor = KernelArgument.tensor(try scratch(role, count: count))
            try prepare(scratchTensor)
            return scratchTensor
        }
        // The weight's own size too: two views of one storage are two weights.
        let key = PreparedWeightKey(storage: ObjectIdentifier(source.storage), form: "\(role) \(layout()) of \(source.count)")
        if let kept = state.preparedWeights[key], kept.source === source.storage { return .tensor(kept.tensor) }
        state.preparedWeights = state.preparedWeights.filter { $0.value.source != nil }
        let kept = try makeTensor([max(count, 1)], .float32)
        try prepare(.tensor(kept))
        state.preparedWeights[key] = PreparedWeight(source: source.storage, tensor: kept)
        return .tensor(kept)
    }

    /// Drops every kept form of `tensor`'s storage: called by each op that writes a weight.
    func forgetPreparedWeights(of tensor: Tensor) {
        let state = extras
        guard !state.preparedWeights.isEmpty else { return }
        let storage = ObjectIdentifier(tensor.storage)
        for key in state.preparedWeights.keys.filter({ $0.storage == storage }) { state.preparedWeights[key] = nil }
    }

    /// How many prepared forms are kept (tests).
    public var keptPreparedWeightCount: Int { extras.preparedWeights.count }
}
