/// Every tolerance of the cross-backend checks, in one place. The error of a tensor is
/// max|a - b| / max(max|b|, 1e-12), b being the reference (see `Comparison`).
///
/// Why these numbers: the reference accumulates in Float64, so the error is the OpenCL
/// kernel's float32 rounding. A float32 sum of K terms is off by about sqrt(K) * 6e-8 of its
/// magnitude for random signs; the longest sums here (weight gradients over a whole batch,
/// K up to ~10^4 in the checks) stay near 1e-5. Forward values pass through at most one
/// such sum per op, so 1e-5 per op and 1e-4 for a whole network's activations leave a
/// margin of 5-10x over what we measure. Gradients of a whole step pass through about a
/// dozen ops in a row, each adding its rounding, hence 1e-3 there.
public enum Tolerance {
    /// One op's outputs, inputs identical on both backends.
    public static let op: Float = 1e-5
    /// Whole seed-network step: forward activations, logits, loss, running statistics.
    public static let stepForward: Float = 1e-4
    /// Whole seed-network step: every gradient and every updated parameter.
    public static let stepGradient: Float = 1e-3
    /// A ReLU or max-pool decision may differ between backends only where the reference's
    /// margin (|x| for ReLU, the gap between the two largest window values for max-pool) is
    /// below this fraction of the tensor's largest magnitude: float32 rounding, not a bug.
    public static let decisionMargin: Float = 1e-5
}
