import FERCore
import ReferenceBackend

/// Central-difference gradient checking of the reference backend (Caffe's rule): the
/// objective is L = sum_i r_i * y_i with fixed random r, so dL/dy = r is the output
/// gradient fed to the backward op. Sampled entries of each input are perturbed by +-h, the
/// objective is summed in Float64, and |analytic - numeric| must be at most
/// tolerance * max(|analytic|, |numeric|, 0.01 * max|analytic|): relative, except that
/// entries far smaller than the tensor's largest are judged against 1% of it (their
/// numeric derivative is mostly float32 rounding of the objective).
final class FiniteDifference {
    let backend = ReferenceBackend()
    var generator = PhiloxGenerator(seed: 7, stream: 11)

    func random(_ count: Int, _ low: Float = -1, _ high: Float = 1) -> [Float] {
        (0..<count).map { _ in generator.uniform(low, high) }
    }

    /// Distinct, shuffled values (no ties for max-pool, none within 1/count of zero for ReLU).
    func distinct(_ count: Int) -> [Float] {
        var values = (0..<count).map { Float(2 * $0 + 1) / Float(count) - 1 }
        values.shuffle(using: &generator)
        return values
    }

    /// Worst normalised mismatch over `samples` entries of `input`.
    /// - Parameters:
    ///   - analytic: the backward op's gradient for `input`.
    ///   - objective: runs the forward op with the given input values and returns L.
    func worstMismatch(input: [Float], analytic: [Float], samples: Int = 64, step h: Float = 1e-2,
                                objective: ([Float]) throws -> Double) rethrows -> Double {
        var worst = 0.0
        let floor = 0.01 * Double(analytic.reduce(0) { max($0, abs($1)) })
        let indices = input.count <= samples ? Array(input.indices) : (0..<samples).map { _ in Int(generator.next() % UInt64(input.count)) }
        for index in indices {
            var plus = input, minus = input
            plus[index] += h
            minus[index] -= h
            let numeric = (try objective(plus) - objective(minus)) / Double(plus[index] - minus[index])
            let a = Double(analytic[index])
            worst = max(worst, abs(a - numeric) / max(abs(a), abs(numeric), floor, 1e-30))
        }
        return worst
    }

    /// L = sum r_i y_i in Float64.
    func weightedSum(_ y: Tensor, _ r: [Float]) throws -> Double {
        zip(try backend.floats(y), r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
}
