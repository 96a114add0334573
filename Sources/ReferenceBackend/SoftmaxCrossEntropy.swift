import FERCore

/// Softmax cross-entropy with optional class weights w (all 1 when absent) and label
/// smoothing s, as torch.nn.CrossEntropyLoss(weight=w, label_smoothing=s) computes it:
///   p = softmax(z_n), W = sum_n w[y_n],
///   loss = sum_n [(1 - s) w[y_n] (-log p[n, y_n]) + s/K sum_c w[c] (-log p[n, c])] / W,
///   dz[n, k] = [(1 - s) w[y_n] (p[n, k] - [k == y_n]) + s/K (sum_c w[c] p[n, k] - w[k])] / W.
/// The log-sum-exp is shifted by the row maximum so large logits do not overflow. Mixed batches
/// (`mixWeight` λ < 1, see `MixGeometry`): each label term is λ (its row's label) + (1 - λ) (the
/// label of row N-1-n), with the same W.
extension ReferenceBackend {
    public func softmaxCrossEntropy(_ g: SoftmaxCrossEntropyGeometry, logits: Tensor, labels: Tensor, classWeights: Tensor?,
                                    loss: Tensor, logitsGrad: Tensor, correct: Tensor) throws {
        let op = Op.softmaxCrossEntropy
        try g.validate(op: op.rawValue)
        let z = try floats(logits, g.batch * g.classes, op: op, "logits")
        let y = try int32s(labels, g.batch, op: op, "labels")
        let w = try classWeights.map { try floats($0, g.classes, op: op, "classWeights") }
        let l = try floats(loss, 1, op: op, "loss")
        let dz = try floats(logitsGrad, g.batch * g.classes, op: op, "logitsGrad")
        let hits = try int32s(correct, 1, op: op, "correct")
        for n in 0..<g.batch where !(0..<g.classes).contains(Int(y[n])) {
            throw BackendError.invalidArgument(op: op.rawValue, reason: "label \(y[n]) of row \(n) outside 0..<\(g.classes)")
        }
        func weight(_ n: Int) -> Double { Double(w?[Int(y[n])] ?? 1) }
        let totalWeight = (0..<g.batch).reduce(0.0) { $0 + weight($1) }
        var lossSum = 0.0
        var hitCount: Int32 = 0
        for n in 0..<g.batch {
            let row = n * g.classes
            var maxLogit = Double(z[row]), best = 0
            for k in 1..<g.classes where Double(z[row + k]) > maxLogit { maxLogit = Double(z[row + k]); best = k }
            var expSum = 0.0
            for k in 0..<g.classes { expSum += exp(Double(z[row + k]) - maxLogit) }
            let label = Int(y[n])
            let logSumExp = log(expSum) + maxLogit
            let s = Double(g.labelSmoothing), share = s / Double(g.classes)
            func classWeight(_ c: Int) -> Double { Double(w?[c] ?? 1) }
            let weightSum = (0..<g.classes).reduce(0.0) { $0 + classWeight($1) }
            let lambda = Double(g.mixWeight), mixed = g.mixWeight < 1
            let partner = Int(y[g.batch - 1 - n])
            lossSum += (1 - s) * (mixed ? lambda * weight(n) * (logSumExp - Double(z[row + label]))
                                      + (1 - lambda) * weight(g.batch - 1 - n) * (logSumExp - Double(z[row + partner]))
                                  : weight(n) * (logSumExp - Double(z[row + label])))
            if s > 0 { for c in 0..<g.classes { lossSum += share * classWeight(c) * (logSumExp - Double(z[row + c])) } }
            if best == (mixed && lambda < 0.5 ? partner : label) { hitCount += 1 }
            for k in 0..<g.classes {
                let p = exp(Double(z[row + k]) - maxLogit) / expSum
                let labelTerm = mixed ? lambda * weight(n) * (p - (k == label ? 1 : 0))
                                          + (1 - lambda) * weight(g.batch - 1 - n) * (p - (k == partner ? 1 : 0))
                                      : weight(n) * (p - (k == label ? 1 : 0))
                let grad = (1 - s) * labelTerm + share * (weightSum * p - classWeight(k))
                dz[row + k] = Float(totalWeight > 0 ? grad / totalWeight : 0)
            }
        }
        l[0] = Float(totalWeight > 0 ? lossSum / totalWeight : 0)
        hits[0] = hitCount
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
