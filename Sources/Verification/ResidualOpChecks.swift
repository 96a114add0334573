import FERCore

/// The op checks of the ops that residual and squeeze-and-excitation networks add (joins,
/// batch norm + ReLU, sigmoid, global average pooling, channel-wise scale), called from `OpChecks.run`.
extension OpChecks {
    /// Channels 3 and 13: the scalar loops (13: three float4 groups and a scalar tail); 8: float4
    /// only. Pixels from 1 (a 1x1 map) to 42.
    static let featureMapGeometries = [FeatureMapGeometry(batch: 2, height: 5, width: 7, channels: 3),
                                       FeatureMapGeometry(batch: 3, height: 6, width: 6, channels: 8),
                                       FeatureMapGeometry(batch: 2, height: 3, width: 3, channels: 13),
                                       FeatureMapGeometry(batch: 5, height: 1, width: 1, channels: 12)]

    /// 1001 and 1024 elements (with and without a scalar tail), plain and with the fused ReLU,
    /// and the output aliasing `a` (in-place gradient accumulation).
    mutating func addChecks(_ label: String) throws -> [Comparison] {
        var comparisons: [Comparison] = []
        for count in [1001, 1024] {
            for relu in [false, true] {
                comparisons += try harness.compare("\(label) \(count)\(relu ? " relu" : "")", [
                    .input("a", inputs.uniform(count), [count]), .input("b", inputs.uniform(count), [count]), .output("output", [count]),
                ]) { b, t in try b.add(a: t["a"]!, b: t["b"]!, output: t["output"]!, fusedReLU: relu) }
            }
            comparisons += try harness.compare("\(label) \(count) into a", [
                .inOut("a", inputs.uniform(count), [count]), .input("b", inputs.uniform(count), [count]),
            ]) { b, t in try b.add(a: t["a"]!, b: t["b"]!, output: t["a"]!, fusedReLU: false) }
        }
        return comparisons
    }

    /// Batch norm + ReLU on the standard batch-norm shapes (channels 5 and 7: the scalar kernels
    /// and the masked composition; 12: float4 and chunked reductions), the forward pass with
    /// batch and with running statistics. Beta in +-0.5 puts both sides of the ReLU in every channel.
    mutating func batchNormReLUChecks(_ op: Op) throws -> [Comparison] {
        try Self.batchNormGeometries.flatMap { g -> [Comparison] in
            let x = inputs.uniform(g.count, -2, 3)
            let (mean, invStd) = Self.statistics(x, g)
            let gamma = inputs.uniform(g.channels, 0.5, 1.5), beta = inputs.uniform(g.channels, -0.5, 0.5)
            let common: [HostTensor] = [.input("input", x, [g.count]), .input("gamma", gamma, [g.channels]), .input("beta", beta, [g.channels]),
                                        .input("mean", mean, [g.channels])]
            let label = "\(op.rawValue) \(g.rows)x\(g.channels)"
            if op == .batchNormReLUForward {
                let batch = try harness.compare(label + " batch statistics", common + [.input("invStd", invStd, [g.channels]), .output("output", [g.count])]) { b, t in
                    try b.batchNormReLUForward(g, input: t["input"]!, gamma: t["gamma"]!, beta: t["beta"]!,
                                               statistics: .batch(mean: t["mean"]!, invStd: t["invStd"]!), output: t["output"]!)
                }
                let variance = inputs.uniform(g.channels, 0.5, 2)
                return try batch + harness.compare(label + " running statistics", common + [.input("variance", variance, [g.channels]), .output("output", [g.count])]) { b, t in
                    try b.batchNormReLUForward(g, input: t["input"]!, gamma: t["gamma"]!, beta: t["beta"]!,
                                               statistics: .running(mean: t["mean"]!, variance: t["variance"]!), output: t["output"]!)
                }
            }
            return try harness.compare(label, common + [
                .input("invStd", invStd, [g.channels]), .input("outputGrad", inputs.uniform(g.count), [g.count]),
                .output("inputGrad", [g.count]), .output("gammaGrad", [g.channels]), .output("betaGrad", [g.channels]),
            ]) { b, t in
                try b.batchNormReLUBackward(g, input: t["input"]!, outputGrad: t["outputGrad"]!, gamma: t["gamma"]!, beta: t["beta"]!,
                                            mean: t["mean"]!, invStd: t["invStd"]!, inputGrad: t["inputGrad"]!,
                                            gammaGrad: t["gammaGrad"]!, betaGrad: t["betaGrad"]!)
            }
        }
    }

    /// 1001 elements from -8 to 8 with saturating values at the ends (-100 and 100: exp must
    /// not overflow into NaN).
    mutating func sigmoidChecks(_ op: Op) throws -> [Comparison] {
        let count = 1001
        if op == .sigmoidForward {
            var x = inputs.uniform(count, -8, 8)
            x[0] = -100; x[count - 1] = 100
            return try harness.compare("\(op.rawValue) \(count)", [.input("input", x, [count]), .output("output", [count])]) { b, t in
                try b.sigmoidForward(input: t["input"]!, output: t["output"]!)
            }
        }
        return try harness.compare("\(op.rawValue) \(count)", [
            .input("output", inputs.uniform(count, 0, 1), [count]), .input("outputGrad", inputs.uniform(count), [count]),
            .output("inputGrad", [count]),
        ]) { b, t in try b.sigmoidBackward(output: t["output"]!, outputGrad: t["outputGrad"]!, inputGrad: t["inputGrad"]!) }
    }

    mutating func globalAvgPoolChecks(_ op: Op) throws -> [Comparison] {
        try Self.featureMapGeometries.flatMap { g in
            if op == .globalAvgPoolForward {
                return try harness.compare("\(op.rawValue) \(g)", [
                    .input("input", inputs.uniform(g.count), [g.count]), .output("output", [g.pooledCount]),
                ]) { b, t in try b.globalAvgPoolForward(g, input: t["input"]!, output: t["output"]!) }
            }
            return try harness.compare("\(op.rawValue) \(g)", [
                .input("outputGrad", inputs.uniform(g.pooledCount), [g.pooledCount]), .output("inputGrad", [g.count]),
            ]) { b, t in try b.globalAvgPoolBackward(g, outputGrad: t["outputGrad"]!, inputGrad: t["inputGrad"]!) }
        }
    }

    mutating func channelScaleChecks(_ op: Op) throws -> [Comparison] {
        try Self.featureMapGeometries.flatMap { g in
            let x = inputs.uniform(g.count), scale = inputs.uniform(g.pooledCount, 0, 1)
            if op == .channelScaleForward {
                return try harness.compare("\(op.rawValue) \(g)", [
                    .input("input", x, [g.count]), .input("scale", scale, [g.pooledCount]), .output("output", [g.count]),
                ]) { b, t in try b.channelScaleForward(g, input: t["input"]!, scale: t["scale"]!, output: t["output"]!) }
            }
            return try harness.compare("\(op.rawValue) \(g)", [
                .input("input", x, [g.count]), .input("scale", scale, [g.pooledCount]),
                .input("outputGrad", inputs.uniform(g.count), [g.count]),
                .output("inputGrad", [g.count]), .output("scaleGrad", [g.pooledCount]),
            ]) { b, t in
                try b.channelScaleBackward(g, input: t["input"]!, scale: t["scale"]!, outputGrad: t["outputGrad"]!,
                                           inputGrad: t["inputGrad"]!, scaleGrad: t["scaleGrad"]!)
            }
        }
    }
}
