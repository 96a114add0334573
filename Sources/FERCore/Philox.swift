/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
/// counter-based generator, so the random number for (seed, stream, index) is a pure
/// function that the host and every kernel compute bit for bit alike (`Kernels/philox.h`
/// is the twin of this file).
public enum Philox {
    static let m0: UInt32 = 0xD251_1F53
    static let m1: UInt32 = 0xCD9E_8D57
    static let w0: UInt32 = 0x9E37_79B9
    static let w1: UInt32 = 0xBB67_AE85

    /// The four 32-bit words for counter (c0, c1, c2, c3) under key (k0, k1).
    public static func block(_ counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32))
        -> (UInt32, UInt32, UInt32, UInt32)
    {
        var (c0, c1, c2, c3) = counter
        var (k0, k1) = key
        for _ in 0..<10 {
            let p0 = UInt64(m0) * UInt64(c0)
            let p1 = UInt64(m1) * UInt64(c2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
            k0 &+= w0
            k1 &+= w1
        }
        return (c0, c1, c2, c3)
    }

    /// The first word of the block for element `index` of `stream` under `seed`:
    /// counter (index lo, index hi, stream lo, stream hi), key (seed lo, seed hi).
    public static func word(seed: UInt64, stream: UInt64, index: UInt64) -> UInt32 {
        block((UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32),
               UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)),
              key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))).0
    }

    /// A uniform float in [0, 1) with 24 random bits: exact in float32 on every device.
    public static func uniform(seed: UInt64, stream: UInt64, index: UInt64) -> Float {
        Float(word(seed: seed, stream: stream, index: index) >> 8) * (1.0 / 16_777_216.0)
    }
}

/// A sequential generator for host-side work (weight initialisation, shuffling): Philox
/// driven by an advancing index, so a run is reproducible from its seed alone.
public struct PhiloxGenerator: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    public let stream: UInt64
    public private(set) var index: UInt64 = 0

    public init(seed: UInt64, stream: UInt64 = 0) { self.seed = seed; self.stream = stream }

    public mutating func next() -> UInt64 {
        let (a, b, _, _) = Philox.block(
            (UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32),
             UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32) ^ 0x8000_0000),
            key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
        index += 1
        return UInt64(a) << 32 | UInt64(b)
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(next() >> 40) * (1.0 / 16_777_216.0)
    }
}
