import FERTrain
import Testing

/// Every schedule against values printed by torch 2.13's `torch.optim.lr_scheduler` classes
/// (an SGD optimiser with lr 0.1, the scheduler stepped once per optimiser step, the rate read
/// before each step), at chosen steps.
struct LearningRateScheduleTests {
    func options(_ schedule: TrainingOptions.Schedule, epochs: Int = 10, warmup: Float = 0) -> TrainingOptions {
        var o = TrainingOptions()
        o.schedule = schedule
        o.learningRate = 0.1
        o.epochs = epochs
        o.warmupEpochs = warmup
        return o
    }

    /// Within float32 rounding of the peak rate 0.1 (cos near pi loses relative precision in
    /// float32, so tiny rates are compared in absolute terms).
    func expectClose(_ actual: Float, _ expected: Double, _ label: String) {
        #expect(abs(Double(actual) - expected) <= 1e-6 * 0.1, "\(label): \(actual) vs torch \(expected)")
    }

    /// OneCycleLR(max_lr=0.1, total_steps=100): 10 epochs of 10 steps.
    @Test func oneCycleMatchesTorch() {
        let o = options(.oneCycle)
        let torch: [(Int, Double)] = [(0, 0.0040000000000000036), (1, 0.004281378056590748), (15, 0.05459866761210004), (29, 0.1),
                                      (30, 0.09994965352845243), (50, 0.0793893450575732), (99, 4e-07)]
        for (step, value) in torch { expectClose(o.learningRate(step: step, stepsPerEpoch: 10), value, "one-cycle step \(step)") }
        // pct_start 0.2 = --warmup 2 of 10 epochs.
        let warm = options(.oneCycle, warmup: 2)
        let torchWarm: [(Int, Double)] = [(0, 0.0040000000000000036), (10, 0.055963808582671956), (19, 0.1), (20, 0.09996145196622891),
                                          (60, 0.048037217064009735), (99, 4e-07)]
        for (step, value) in torchWarm { expectClose(warm.learningRate(step: step, stepsPerEpoch: 10), value, "one-cycle 20% step \(step)") }
    }

    /// StepLR(step_size=5, gamma=0.1) stepped per epoch.
    @Test func stepMatchesTorch() {
        var o = options(.step, epochs: 12)
        o.stepEpochs = 5
        o.stepGamma = 0.1
        let torch = [0.1, 0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002,
                     0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002]
        for (epoch, value) in torch.enumerated() { expectClose(o.learningRate(step: epoch, stepsPerEpoch: 1), value, "step epoch \(epoch)") }
    }

    /// CosineAnnealingLR(T_max=100) stepped per step: 10 epochs of 10 steps.
    @Test func cosineMatchesTorch() {
        let o = options(.cosine)
        let torch: [(Int, Double)] = [(0, 0.1), (25, 0.0853553390593274), (50, 0.05000000000000004), (75, 0.014644660940672643),
                                      (99, 2.4671981713420017e-05)]
        for (step, value) in torch { expectClose(o.learningRate(step: step, stepsPerEpoch: 10), value, "cosine step \(step)") }
    }

    /// ReduceLROnPlateau(mode='max', factor=0.5, patience=2) fed these validation accuracies:
    /// 0.40004 is not better than 0.40 by the relative threshold 1e-4, so it counts as a bad epoch.
    @Test func plateauMatchesTorch() {
        var o = options(.plateau)
        o.plateauFactor = 0.5
        o.plateauPatience = 2
        let accuracies = [0.30, 0.40, 0.40, 0.39, 0.40004, 0.41, 0.41, 0.41, 0.41, 0.41, 0.41, 0.42]
        let torch = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025]
        var tracker = PlateauTracker()
        for (epoch, accuracy) in accuracies.enumerated() {
            _ = tracker.record(accuracy, factor: o.plateauFactor, patience: o.plateauPatience)
            expectClose(o.learningRate(step: (epoch + 1) * 7, stepsPerEpoch: 7, plateauScale: tracker.scale), torch[epoch], "plateau epoch \(epoch)")
        }
    }

    /// The seed recipe's constant rate is untouched by the schedule machinery.
    @Test func constantIsConstant() {
        let o = TrainingOptions()
        for step in [0, 1, 448, 6_000] { #expect(o.learningRate(step: step, stepsPerEpoch: 449) == 0.001) }
    }
}
