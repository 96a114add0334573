/// One compared tensor: what `verify` prints as a table row.
public struct Comparison: Sendable {
    public let name: String
    public let error: Float
    public let tolerance: Float
    /// How the error was measured when it is not the plain rule, and any decisions that
    /// differed legitimately.
    public let note: String

    public var passed: Bool { error.isFinite && error <= tolerance }

    public init(name: String, error: Float, tolerance: Float, note: String = "") {
        self.name = name; self.error = error; self.tolerance = tolerance; self.note = note
    }

    /// max|a - b| / max(max|b|, 1e-12), b the reference; a NaN anywhere makes it infinite.
    /// `scale` replaces max|b| for sums that cancel to (near) zero, where it is the sum of
    /// the magnitudes of the terms.
    public static func relativeError(_ a: [Float], _ b: [Float], scale: Float? = nil) -> Float {
        guard a.count == b.count else { return .infinity }
        var maxDiff: Float = 0, maxRef: Float = 0
        for i in 0..<a.count {
            let d = abs(a[i] - b[i])
            if d.isNaN || a[i].isNaN || b[i].isNaN { return .infinity }
            maxDiff = max(maxDiff, d)
            maxRef = max(maxRef, abs(b[i]))
        }
        return maxDiff / max(scale ?? maxRef, 1e-12)
    }

    public static func floats(_ name: String, _ a: [Float], _ b: [Float], tolerance: Float,
                              scale: Float? = nil, note: String = "") -> Comparison {
        Comparison(name: name, error: relativeError(a, b, scale: scale), tolerance: tolerance, note: note)
    }

    /// Integer tensors (argmax, counts) must match exactly; the error is the fraction that differ.
    public static func ints(_ name: String, _ a: [Int32], _ b: [Int32]) -> Comparison {
        guard a.count == b.count, !a.isEmpty else { return Comparison(name: name, error: a.count == b.count ? 0 : .infinity, tolerance: 0) }
        let differing = zip(a, b).filter { $0 != $1 }.count
        return Comparison(name: name, error: Float(differing) / Float(a.count), tolerance: 0,
                          note: differing == 0 ? "exact" : "\(differing) of \(a.count) differ")
    }
}

func maxMagnitude(_ values: [Float]) -> Float { values.reduce(0) { max($0, abs($1)) } }
