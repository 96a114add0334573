import FERCore
import Foundation

/// The measured search behind `fer-cl tune`: times the seed network's heavy products with
/// candidate tile shapes of the device's `TuningSpace` and picks the fastest.
///
/// Coordinate search: starting from the table's row, one dimension at a time, every value of
/// that dimension is timed against the best row so far, and the best row moves only when a
/// value is clearly faster (`margin`): the machine is shared and the same kernel varies
/// 15-20% between runs (DESIGN.md), so a 1% win is noise. Candidates of one round are timed
/// interleaved (A B C A B C ...), and the final default-vs-chosen ratio comes from its own
/// interleaved round. Times are device times from profiling events, medians of `repetitions`.
public struct Tuner {
    public let device: DeviceInfo
    public let sources: KernelSources
    /// Timed repetitions per candidate and round (the median counts).
    public var repetitions = 3
    /// A candidate replaces the best row only when faster by this fraction.
    public var margin = 0.03
    /// Smoke-test mode: two candidates of the first dimension, conv4 at batch 8, one
    /// repetition: seconds instead of a minute, and a record that says so. Not a tuning.
    public var quick = false

    public init(device: DeviceInfo, sources: KernelSources = .embedded) {
        self.device = device
        self.sources = sources
    }

    public struct Outcome: Sendable {
        public let record: TuningRecord
        public let seconds: Double
        public var speedup: Double { record.defaultMilliseconds / max(record.chosenMilliseconds, 1e-9) }
    }

    /// Runs the search; `progress` sees each candidate's median as it is measured.
    public func run(progress: (TunerMeasurement) -> Void = { _ in }) throws -> Outcome {
        let start = DispatchTime.now().uptimeNanoseconds
        let space = TuningSpace.forDevice(device)
        // One backend for every candidate: shared context, tensors and programs; only the tile
        // shape changes between timings (`OpenCLBackend.tuning` is settable for this alone).
        let backend = try OpenCLBackend(device: device, sources: sources, profiling: true, gemm: space.base)
        let workload = try TuningWorkload(backend: backend, quick: quick)
        var measurements: [TunerMeasurement] = []
        var warmed: Set<GemmTuning> = []

        /// Times `rows` interleaved; returns their medians in milliseconds.
        func time(_ rows: [GemmTuning], step: String) throws -> [Double] {
            for row in rows where !warmed.contains(row) {
                // First use compiles the programs and grows the scratch buffers: never timed.
                backend.tuning = Tuning(device: device, gemm: row)
                try workload.run()
                try backend.finish()
                warmed.insert(row)
            }
            var samples = [[Double]](repeating: [], count: rows.count)
            for _ in 0..<(quick ? 1 : repetitions) {
                for (index, row) in rows.enumerated() {
                    backend.tuning = Tuning(device: device, gemm: row)
                    try backend.startProfiling()
                    try workload.run()
                    samples[index].append(try backend.stopProfiling().reduce(0) { $0 + $1.seconds } * 1000)
                }
            }
            let medians = samples.map(Self.median)
            for (row, ms) in zip(rows, medians) {
                let measurement = TunerMeasurement(step: step, gemm: row, milliseconds: ms)
                measurements.append(measurement)
                progress(measurement)
            }
            return medians
        }

        var best = space.base
        var dimensions = space.dimensions.filter { $0.values.count > 1 }
        if quick, let first = dimensions.first {
            let other = first.values.first { $0 != first.value(of: space.base) } ?? first.values[0]
            dimensions = [TuningSpace.Dimension(name: first.name, values: [first.value(of: space.base), other])]
        }
        for dimension in dimensions {
            var rows = [best]
            for value in dimension.values where !rows.contains(dimension.applied(value, to: best)) {
                rows.append(dimension.applied(value, to: best))
            }
            let times = try time(rows, step: dimension.name)
            let fastest = times.indices.min { times[$0] < times[$1] } ?? 0
            if fastest != 0 && times[fastest] < times[0] * (1 - margin) { best = rows[fastest] }
        }
        // The default's latest median stands when nothing beat it; else a head-to-head round.
        let latestDefault = measurements.last { $0.gemm == space.base }?.milliseconds
        let final = best == space.base ? [space.base] : [space.base, best]
        var finalTimes = try latestDefault.flatMap { best == space.base ? [$0] : nil } ?? time(final, step: "final")
        // The last word goes to the head-to-head round: a winner of an earlier round that no
        // longer beats the default here won by noise, and the default is the safer choice.
        if finalTimes.count == 2 && finalTimes[1] >= finalTimes[0] {
            best = space.base
            finalTimes = [finalTimes[0]]
        }
        let record = TuningRecord(key: TuningKey(device: device, sources: sources), gemm: best,
                                  defaultMilliseconds: finalTimes[0], chosenMilliseconds: finalTimes[finalTimes.count - 1],
                                  candidates: measurements, workload: workload.description
                                      + (quick ? " (quick search: not a real tuning)" : ", median of \(repetitions)"))
        return Outcome(record: record, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// The products the tuner times: every pass whose speed the tile shape decides, at the seed
/// network's shapes (batch 64, NHWC): conv2-conv4 forward, backward-data and backward-weights,
/// and fc1 (4608 -> 512) forward and backward. conv1 (one input channel) and the small dense
/// layers are left out: they are a few percent of the step and would only add compiles.
struct TuningWorkload: CustomStringConvertible {
    private let passes: [() throws -> Void]
    let description: String

    init(backend: OpenCLBackend, quick: Bool) throws {
        let batch = quick ? 8 : 64
        let convs = [Conv2dGeometry(batch: batch, height: 24, width: 24, inChannels: 64, outChannels: 128),
                     Conv2dGeometry(batch: batch, height: 12, width: 12, inChannels: 128, outChannels: 256),
                     Conv2dGeometry(batch: batch, height: 6, width: 6, inChannels: 256, outChannels: 512)].suffix(quick ? 1 : 3)
        let dense = quick ? [] : [DenseGeometry(batch: batch, inFeatures: 4608, outFeatures: 512)]
        // Values do not change the speed of these kernels (no data-dependent branches); a
        // repeated random pattern only keeps them away from zeros and denormals.
        var generator = PhiloxGenerator(seed: 41)
        let pattern = (0..<4096).map { _ in generator.uniform(-1, 1) }
        func tensor(_ count: Int) throws -> Tensor {
            try backend.tensor((0..<count).map { pattern[$0 & 4095] }, [count])
        }
        var passes: [() throws -> Void] = []
        for g in convs {
            let x = try tensor(g.inputCount), w = try tensor(g.weightCount), b = try tensor(g.outChannels)
            let y = try tensor(g.outputCount), dy = try tensor(g.outputCount), dx = try tensor(g.inputCount)
            let dw = try tensor(g.weightCount), db = try tensor(g.outChannels)
            passes.append { try backend.conv2dForward(g, input: x, weight: w, bias: b, output: y) }
            passes.append { try backend.conv2dBackwardData(g, outputGrad: dy, weight: w, inputGrad: dx) }
            passes.append { try backend.conv2dBackwardWeights(g, input: x, outputGrad: dy, weightGrad: dw, biasGrad: db) }
        }
        for g in dense {
            let x = try tensor(g.batch * g.inFeatures), w = try tensor(g.inFeatures * g.outFeatures), b = try tensor(g.outFeatures)
            let y = try tensor(g.batch * g.outFeatures), dy = try tensor(g.batch * g.outFeatures), dx = try tensor(g.batch * g.inFeatures)
            let dw = try tensor(g.inFeatures * g.outFeatures), db = try tensor(g.outFeatures)
            passes.append { try backend.denseForward(g, input: x, weight: w, bias: b, output: y) }
            passes.append { try backend.denseBackward(g, input: x, weight: w, outputGrad: dy, inputGrad: dx, weightGrad: dw, biasGrad: db) }
        }
        self.passes = passes
        description = quick ? TuningRecord.quickPrefix + "conv4 forward, backward-data, backward-weights, batch \(batch)"
                            : "conv2-conv4 forward, backward-data, backward-weights + fc1 forward/backward, batch \(batch)"
    }

    func run() throws { for pass in passes { try pass() } }
}
