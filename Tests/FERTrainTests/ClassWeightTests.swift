import FERTrain
import Testing

/// `--class-weights` gives scikit-learn's "balanced" weights; `--class-weight-power` bends them.
struct ClassWeightTests {
    /// 10 of class 0, 40 of class 1, none of class 2: n / (k n_c) = 50 / 30 and 50 / 120.
    let labels = [Int32](repeating: 0, count: 10) + [Int32](repeating: 1, count: 40)

    @Test func balancedWeightsAreInverseFrequencies() {
        let w = Sampler.classWeights(labels: labels, classes: 3)
        #expect(abs(w[0] - 50.0 / 30) < 1e-6 && abs(w[1] - 50.0 / 120) < 1e-6 && w[2] == 0)
    }

    @Test func powerTakesTheRootAndZeroTurnsThemOff() {
        let balanced = Sampler.classWeights(labels: labels, classes: 3)
        let root = Sampler.classWeights(labels: labels, classes: 3, power: 0.5)
        #expect(abs(root[0] - balanced[0].squareRoot()) < 1e-6 && abs(root[1] - balanced[1].squareRoot()) < 1e-6)
        #expect(root[2] == 0, "an absent class stays at 0")
        #expect(Sampler.classWeights(labels: labels, classes: 3, power: 0).prefix(2) == [1, 1])
    }
}
