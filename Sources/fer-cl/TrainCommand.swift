import FERCore
import FERData
import FERModel
import FERTrain
import Foundation
import OpenCLBackend

/// Set by SIGINT; the trainer checks it after every step.
nonisolated(unsafe) var interruptRequested: sig_atomic_t = 0

struct TrainCommand: Command {
    static let name = "train"
    static let summary = "Train a network on FER-2013 (default: the write-up's seed recipe)."
    static let usage = "[--data PATH] [--model seed] [--epochs 15] [--batch 64] [--lr 0.001] [--device D] [--seed N] [--out DIR] [--resume] ..."
    static let options: [OptionSpec] = [
        DataChoice.option("FER-2013: image folders (train/, test/), a class-folder split, or fer2013.csv. Default \(DataChoice.defaultDescription)."),
        .value("model", "NAME|FILE", "A built-in model (`fer-cl models`; default seed) or a JSON model description."),
        .value("epochs", "N", "Epochs (default 15)."),
        .value("batch", "N", "Batch size (default 64)."),
        .value("lr", "RATE", "Adam learning rate (default 0.001)."),
        .value("weight-decay", "W", "Weight decay (default 0): L2 for Adam, decoupled with --adamw."),
        .flag("adamw", "Use AdamW (decoupled weight decay)."),
        .value("schedule", "S", "Learning-rate schedule: constant (default), step, cosine."),
        .value("warmup", "EPOCHS", "Linear warm-up length for step/cosine schedules (default 0)."),
        .value("step-epochs", "N", "Step schedule: decay every N epochs (default 5)."),
        .value("step-gamma", "G", "Step schedule: multiply the rate by G (default 0.1)."),
        BackendChoice.deviceOption,
        BackendChoice.noTuneOption,
        .value("seed", "N", "Seed of initialisation, shuffling, dropout and augmentation (default 1)."),
        .value("out", "DIR", "Run folder (default runs/<date-time>); an existing run is never overwritten without --resume or --force."),
        .flag("resume", "Continue the run in --out from its checkpoint.safetensors (its saved options are used)."),
        .flag("force", "Overwrite the run files in --out."),
        .value("init", "FILE", "Start from the weights of a safetensors file with the same tensor names (e.g. trained in PyTorch)."),
        .value("val", "PATH", "Validation data (default: the data's test split when it has one)."),
        .value("val-split", "F", "Hold out fraction F of the training split for validation instead."),
    ] + AugmentationFlags().options("Augmentation") + [
        .value("mean", "M", "Normalisation: input = (pixel/255 - M) / S (default M 0)."),
        .value("std", "S", "Normalisation standard deviation (default 1)."),
        .flag("class-weights", "Weight the loss by inverse class frequency."),
        .flag("balanced", "Sample classes equally often (oversampling rare ones)."),
        .value("subset", "N", "Train on a random N images of the training split (quick experiments, smoke tests)."),
        .value("val-subset", "N", "Validate on a random N images of the validation data."),
        DataChoice.skipBadOption,
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        Writes to the run folder: checkpoint.safetensors (resume state, after every epoch and on Ctrl-C), \
        best.safetensors (best validation accuracy), model.safetensors (final), metrics.jsonl (a provenance \
        record, then one record per epoch). Ctrl-C finishes the current step, writes a checkpoint and exits 130.
        """

    let arguments: ParsedArguments
    var options = TrainingOptions()
    let modelDescription: ModelDescription

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        let a = arguments
        modelDescription = try Architecture.modelDescription(nameOrPath: a.string("model") ?? "seed")
        options.architecture = modelDescription.name
        options.epochs = try a.int("epochs", default: options.epochs, range: 1...100_000)
        options.batch = try a.int("batch", default: options.batch, range: 2...65_536)
        options.learningRate = try a.float("lr", default: options.learningRate)
        options.weightDecay = try a.float("weight-decay", default: 0)
        options.decoupledWeightDecay = a.flag("adamw")
        if let schedule = a.string("schedule") {
            guard let value = TrainingOptions.Schedule(rawValue: schedule) else {
                throw UsageError(message: "--schedule must be one of constant, step, cosine", command: Self.name)
            }
            options.schedule = value
        }
        options.warmupEpochs = try a.float("warmup", default: 0)
        options.stepEpochs = try a.int("step-epochs", default: options.stepEpochs, range: 1...100_000)
        options.stepGamma = try a.float("step-gamma", default: options.stepGamma)
        options.seed = try a.uint64("seed", default: options.seed)
        let augmentation = try AugmentationFlags().parsed(a)
        options.flipProbability = augmentation.flip
        options.rotationDegrees = augmentation.rotate
        options.scaleJitter = augmentation.scale
        options.translatePixels = augmentation.translate
        options.cropPadding = augmentation.cropPadding
        options.mean = try a.float("mean", default: 0)
        options.std = try a.float("std", default: 1)
        options.classWeights = a.flag("class-weights")
        options.balancedSampling = a.flag("balanced")
        options.validationSplit = try a.float("val-split", default: 0)
        if let problem = options.problems().first { throw UsageError(message: problem, command: Self.name) }
        if a.flag("resume") && a.string("out") == nil {
            throw UsageError(message: "--resume needs --out DIR, the run to continue", command: Self.name)
        }
        if a.flag("resume") && a.flag("force") { throw UsageError(message: "--resume and --force exclude each other", command: Self.name) }
        if a.string("val") != nil && a.string("val-split") != nil {
            throw UsageError(message: "--val and --val-split exclude each other", command: Self.name)
        }
    }

    func run() throws -> Int32 {
        let resume = arguments.flag("resume")
        let outPath = arguments.string("out") ?? "runs/" + Self.timestamp()
        let run = try RunDirectory(URL(fileURLWithPath: outPath, isDirectory: true), resume: resume, force: arguments.flag("force"))
        let backend = try BackendChoice.make(arguments)

        var options = self.options
        var state = TrainingState()
        let network: Network
        if resume {
            network = try Network(description: try Checkpoint.modelDescription(at: run.checkpoint), backend: backend)
            (options, state) = try Checkpoint.restore(from: run.checkpoint, into: network)
            print("resuming \(run.url.path) at epoch \(state.epoch + 1), batch \(state.batchInEpoch + 1) (saved options are used)")
        } else {
            network = try Network(description: modelDescription, backend: backend)
            try network.initialize(seed: options.seed)
            if let initPath = arguments.string("init") {
                let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: initPath))
                let (missing, unexpected) = try ModelFile.load(file, into: network, path: initPath, strict: false,
                                                               ignoringPrefix: Checkpoint.optimizerPrefix)
                print("initialised from \(initPath)"
                      + (missing.isEmpty ? "" : "; missing (kept at default init): \(missing.joined(separator: ", "))")
                      + (unexpected.isEmpty ? "" : "; unexpected (ignored): \(unexpected.joined(separator: ", "))"))
            }
        }

        if resume, let opencl = backend as? OpenCLBackend, let text = try Checkpoint.metadata(Provenance.tileShapeKey, at: run.checkpoint),
           let shape = try? JSONDecoder().decode(GemmTuning.self, from: Data(text.utf8)) {
            // The interrupted run's shape: it groups the weight gradient's partial sums, so the
            // resumed run computes exactly as the interrupted one would have.
            opencl.adoptTuning(shape, source: .given)
            print("using the run's tile shapes (\(shape.summary))")
        } else if !arguments.flag("no-tune") {
            // Before the data load, whose memory would add to the tuner's (0.54 GB of workload
            // and program builds; together 1.08 GB peak, measured), but after a check that the
            // data is where it should be: a wrong --data path should not cost a minute of tuning.
            try checkDataLocations()
            BackendChoice.tuneOnFirstUse(backend, arguments)
        }
        // The decoded images go out of scope with this block: the device holds its own copy.
        let trainer: Trainer
        do {
            let (train, validation) = try datasets(options)
            let provenance = Provenance.describe(backend: backend, arguments: CommandLine.arguments)
            if !resume {
                var record = provenance
                record["type"] = "run"
                record["training_options"] = try String(decoding: JSONEncoder().encode(options), as: UTF8.self)
                try run.appendLine(try String(decoding: Self.sortedEncoder.encode(record), as: UTF8.self))
            }
            let summary = ModelSummary(network)
            print(summary.headline + "\n" + summary.table)
            print("training \(options.architecture) (\(network.parameterCount) parameters) on \(backend.name): "
                  + "\(train.count) training images" + (validation.map { ", \($0.count) validation images" } ?? ", no validation")
                  + "; run folder \(run.url.path)")

            trainer = try Trainer(options: options, network: network, train: train, validation: validation,
                                  run: run, state: state, provenance: provenance)
        }
        Self.catchInterrupts()
        let progress = ProgressDisplay(epochs: options.epochs, batchSize: options.batch)
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run(shouldStop: { interruptRequested != 0 }) { progress.show($0) }
        } catch {
            progress.finishLine()
            throw error
        }
        progress.finishLine()
        switch outcome {
        case .interrupted:
            print("interrupted: checkpoint written to \(run.checkpoint.path); continue with `fer-cl train --resume --out \(run.url.path)`")
            return 130
        case .completed:
            let best = trainer.state.bestValidationAccuracy
            print("done: final model \(run.model.path)" + (best >= 0 ? String(format: "; best validation accuracy %.2f%% (epoch %d) in %@",
                                                                                  best * 100, trainer.state.bestEpoch, run.best.path) : ""))
            return 0
        }
    }

    /// The cheap part of `datasets`: the --data (and --val) paths exist and hold FER-2013 in a
    /// known form; nothing is decoded.
    func checkDataLocations() throws {
        guard let path = DataChoice.path(arguments) else { throw UsageError(message: DataChoice.whereToPutIt, command: Self.name) }
        _ = try DatasetLocation.open(path: path)
        if let valPath = arguments.string("val") { _ = try DatasetLocation.open(path: valPath) }
    }

    /// Training and validation data as the options and arguments ask.
    func datasets(_ options: TrainingOptions) throws -> (Dataset, Dataset?) {
        let loaded = try DataChoice.load(arguments)
        guard var train = loaded[.train] else {
            throw UsageError(message: "\(loaded.source) has no training split (train/ folder or Training rows)", command: Self.name)
        }
        var validation: Dataset?
        if let valPath = arguments.string("val") {
            let other = try loadDatasets(at: valPath, options: LoadOptions(skipBad: arguments.flag("skip-bad")))
            DataChoice.reportSkipped(other.report)
            validation = other[.test] ?? other.datasets.first
        } else if options.validationSplit > 0 {
            (train, validation) = train.holdingOut(options.validationSplit, seed: options.seed)
        } else {
            validation = loaded[.test]
        }
        if let limit = try arguments.optionalInt("subset", range: 2...Int.max) { train = train.randomSubset(limit, seed: options.seed) }
        if let limit = try arguments.optionalInt("val-subset", range: 1...Int.max) { validation = validation?.randomSubset(limit, seed: options.seed) }
        return (train, validation)
    }

    /// Ctrl-C sets a flag the trainer checks after each step. SIGINT is unblocked too: a
    /// parent (a test runner, some job launchers) may have started us with it blocked.
    static func catchInterrupts() {
        signal(SIGINT) { _ in interruptRequested = 1 }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date())
    }

    static var sortedEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
