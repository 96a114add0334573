import FERCore

/// Inputs for the checks, reproducible from a seed.
struct RandomInputs {
    var generator: PhiloxGenerator

    init(seed: UInt64) { generator = PhiloxGenerator(seed: seed, stream: 0xF00D) }

    mutating func uniform(_ count: Int, _ low: Float = -1, _ high: Float = 1) -> [Float] {
        (0..<count).map { _ in generator.uniform(low, high) }
    }

    /// Uniform in +-[0.01, 1]: no element is within rounding of ReLU's kink.
    mutating func awayFromZero(_ count: Int) -> [Float] {
        (0..<count).map { _ in
            let magnitude = generator.uniform(0.01, 1)
            return generator.next() & 1 == 0 ? magnitude : -magnitude
        }
    }

    /// Distinct values spaced 2/count apart in [-1, 1), shuffled: max-pool windows have no ties.
    mutating func distinct(_ count: Int) -> [Float] {
        var values = (0..<count).map { Float(2 * $0 + 1) / Float(count) - 1 }
        values.shuffle(using: &generator)
        return values
    }

    mutating func labels(_ count: Int, classes: Int) -> [Int32] {
        (0..<count).map { _ in Int32(generator.next() % UInt64(classes)) }
    }
}
