import FERCore
import FERModel
import Foundation
import OpenCLBackend

struct BenchCommand: Command {
    static let name = "bench"
    static let summary = "Time training steps and inference of a model on random data, with per-op device times."
    static let usage = "[--model seed] [--batch 64] [--device D] [--steps 10] [--warmup 2] [--json] [--kernels DIR]"
    static let options: [OptionSpec] = [
        .value("model", "NAME|FILE", "A built-in model (`fer-cl models`; default seed) or a JSON model description."),
        .value("batch", "N", "Batch size (default 64)."),
        BackendChoice.deviceOption,
        .value("steps", "N", "Timed training steps and inference passes (default 10)."),
        .value("warmup", "N", "Untimed steps first: kernel builds, first-use allocations (default 2)."),
        .flag("json", "Write the results as JSON to standard output instead of tables."),
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        A training step is forward, softmax cross-entropy, backward and an Adam update of every \
        parameter, then one wait for the device; an inference pass is a forward pass in \
        evaluation mode, then one wait. Throughputs are medians over the timed steps. On OpenCL \
        devices a further set of profiled training steps gives each op's device time per step, \
        GFLOP/s (convolutions and dense products) and share of the step's kernel time; op labels \
        name the pass and its shape. Inputs are random (no dataset needed).
        """

    let arguments: ParsedArguments
    let model: ModelDescription
    let batch, steps, warmup: Int
    let json: Bool

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        do { model = try Architecture.modelDescription(nameOrPath: arguments.string("model") ?? "seed") } catch {
            throw UsageError(message: "\(error)", command: Self.name)
        }
        batch = try arguments.int("batch", default: 64, range: 1...4096)
        steps = try arguments.int("steps", default: 10, range: 1...100_000)
        warmup = try arguments.int("warmup", default: 2, range: 0...1000)
        json = arguments.flag("json")
    }

    struct OpRow: Encodable {
        let op: String
        let calls: Double      // per step
        let ms: Double         // per step
        let gflops: Double?
        let share: Double
    }

    struct Report: Encodable {
        let device: String
        let tuning: String
        let model: String
        let batch: Int
        let steps: Int
        let train_images_per_s: Double
        let infer_images_per_s: Double
        let train_step_ms: Double
        let infer_pass_ms: Double
        let profiled_steps: Int
        let profiling: String
        let kernel_ms_per_step: Double
        let ops: [OpRow]
    }

    func run() throws -> Int32 {
        let backend = try BackendChoice.make(arguments, profiling: true)
        let network = try Network(description: model, backend: backend)
        try network.initialize(seed: 2013)
        let loss = try SoftmaxCrossEntropyLoss(backend: backend, classes: network.classes)
        let optimizer = AdamOptimizer()
        var generator = PhiloxGenerator(seed: 7)
        let shape = [batch] + network.inputShape
        let images = try backend.tensor((0..<shape.reduce(1, *)).map { _ in generator.uniform(-1, 1) }, shape)
        let labels = try backend.intTensor((0..<batch).map { _ in Int32(generator.next() % UInt32(network.classes)) }, [batch])
        let tuning = (backend as? OpenCLBackend).map { "\($0.tuningSource): \($0.gemmTuning.summary)" } ?? "none (reference backend)"
        if !json {
            print("fer-cl bench: \(model.name) on \(backend.name), batch \(batch), \(warmup) warm-up + \(steps) steps")
            print("tuning: \(tuning)")
        }

        var stepNumber = 0
        func trainStep() throws {
            stepNumber += 1
            let context = PassContext(mode: .training, seed: 1, step: stepNumber)
            let logits = try network.forward(images, context: context)
            let out = try loss(logits: logits, labels: labels)
            try network.backward(out.logitsGrad, context: context)
            try optimizer.update(network.parameters, on: backend)
            try backend.finish()
        }
        func inferencePass() throws {
            _ = try network.forward(images, context: PassContext(mode: .inference))
            try backend.finish()
        }
        func timed(_ body: () throws -> Void) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }

        for _ in 0..<warmup { try trainStep() }
        for _ in 0..<min(warmup, 1) { try inferencePass() }
        var trainTimes: [Double] = [], inferTimes: [Double] = []
        for _ in 0..<steps { trainTimes.append(try timed(trainStep)) }
        for _ in 0..<steps { inferTimes.append(try timed(inferencePass)) }
        let trainSeconds = median(trainTimes), inferSeconds = median(inferTimes)

        var rows: [OpRow] = []
        var profiledSteps = 0
        var profiling = "none (reference backend)"
        var kernelSeconds = 0.0
        if let device = backend as? OpenCLBackend {
            profiledSteps = min(steps, 3)
            profiling = device.profilesWithDeviceEvents ? "device events" : "host-timed launches"
            try device.startProfiling()
            for _ in 0..<profiledSteps { try trainStep() }
            let timings = try device.stopProfiling()
            kernelSeconds = timings.reduce(0) { $0 + $1.seconds }
            rows = timings.map { t in
                OpRow(op: t.label, calls: Double(t.calls) / Double(profiledSteps), ms: t.seconds * 1000 / Double(profiledSteps),
                      gflops: t.flops > 0 && t.seconds > 0 ? t.flops / t.seconds / 1e9 : nil,
                      share: kernelSeconds > 0 ? t.seconds / kernelSeconds : 0)
            }
        }

        let report = Report(device: backend.name, tuning: tuning, model: model.name, batch: batch, steps: steps,
                            train_images_per_s: Double(batch) / trainSeconds, infer_images_per_s: Double(batch) / inferSeconds,
                            train_step_ms: trainSeconds * 1000, infer_pass_ms: inferSeconds * 1000,
                            profiled_steps: profiledSteps, profiling: profiling,
                            kernel_ms_per_step: kernelSeconds * 1000 / Double(max(profiledSteps, 1)), ops: rows)
        if json {
            try printJSON(report)
            return 0
        }
        print(String(format: "training:  %.1f images/s (median step %.1f ms)", report.train_images_per_s, report.train_step_ms))
        print(String(format: "inference: %.1f images/s (median pass %.1f ms)", report.infer_images_per_s, report.infer_pass_ms))
        if !rows.isEmpty {
            print("\nper-op device time over \(profiledSteps) training steps (\(profiling)); kernel total \(String(format: "%.1f", report.kernel_ms_per_step)) ms/step\n")
            print(table(header: ["op", "calls", "ms/step", "GFLOP/s", "share"], rows: rows.map { r in
                [r.op, String(format: "%g", r.calls), String(format: "%.2f", r.ms), r.gflops.map { String(format: "%.1f", $0) } ?? "",
                 String(format: "%.1f%%", r.share * 100)]
            }))
        }
        return 0
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
