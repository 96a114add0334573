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
    static let usage = "[--data PATH] [--model seed] [--epochs 15] [--batch 64] [--lr 0.001] [--device D] [--seed 1] [--out runs/DATE-TIME] [--resume] ..."
    static let options: [OptionSpec] = [
        DataChoice.option("FER-2013: image folders (train/, test/), a class-folder split, or fer2013.csv. Default \(DataChoice.defaultDescription)."),
        .value("recipe", "NAME", "A named recipe (seed, cpu-hour, long; listed below): its options, with those given on the command line overriding them."),
        .value("model", "NAME|FILE", "A built-in model (`fer-cl models`; default seed) or a JSON model description."),
        .value("epochs", "N", "Epochs (default 15); with --resume, the run's new total (extends a finished run)."),
        .value("batch", "N", "Batch size (default 64)."),
        .value("optimizer", "NAME", "adam (default) or sgd (torch.optim's arithmetic)."),
        .value("lr", "RATE", "Learning rate (default 0.001); the peak rate for one-cycle."),
        .value("momentum", "M", "SGD momentum (default 0.9)."),
        .flag("nesterov", "SGD with Nesterov momentum."),
        .value("weight-decay", "W", "Weight decay (default 0): L2 added to the gradient, decoupled with --adamw."),
        .flag("adamw", "Decoupled weight decay (p *= 1 - lr * W): AdamW for Adam, the same rule for SGD."),
        .flag("no-vector-decay", "No weight decay on biases and batch-norm parameters."),
        .value("schedule", "S", "Learning-rate schedule: constant (default), step, cosine, one-cycle, plateau (PyTorch's formulas; see the README)."),
        .value("warmup", "EPOCHS", "Warm-up length: linear for step/cosine/plateau, one-cycle's rising phase (default 0; one-cycle: 30% of the run)."),
        .value("step-epochs", "N", "Step schedule: decay every N epochs (default 5)."),
        .value("step-gamma", "G", "Step schedule: multiply the rate by G (default 0.1)."),
        .value("plateau-factor", "F", "Plateau schedule: multiply the rate by F when validation accuracy stalls (default 0.1)."),
        .value("plateau-patience", "N", "Plateau schedule: epochs without improvement before reducing (default 10)."),
        BackendChoice.deviceOption,
        BackendChoice.noTuneOption,
        .value("seed", "N", "Seed of initialisation, shuffling, dropout and augmentation (default 1)."),
        .value("out", "DIR", "Run folder (default runs/<date-time>); an existing run is never overwritten without --resume or --force."),
        .flag("resume", "Continue the run in --out from its checkpoint.safetensors with its own options and data; only --epochs, --device, --kernels and --no-tune may change, any other option must equal the run's."),
        .flag("force", "Overwrite the run files in --out."),
        .value("init", "FILE", "Start from the weights of a safetensors file with the same tensor names (e.g. trained in PyTorch)."),
        .value("val", "PATH", "Validation data (default: the data's test split when it has one)."),
        .value("val-split", "F", "Hold out fraction F of every class of the training split for validation instead (fixed by --seed)."),
    ] + AugmentationFlags().options("Augmentation") + [
        .value("mixup", "ALPHA", "Mixup: blend each image and its label with another of the batch, weight from Beta(ALPHA, ALPHA) (e.g. 0.2; default 0: off)."),
        .value("cutmix", "ALPHA", "CutMix: paste a box of another image of the batch, area from Beta(ALPHA, ALPHA) (e.g. 1.0; default 0: off); with --mixup, half the mixed steps each."),
        .value("mix-prob", "P", "Share of training steps that are mixed when --mixup or --cutmix is on (default 1)."),
        .value("mean", "M", "Normalisation: input = (pixel/255 - M) / S (default M 0)."),
        .value("std", "S", "Normalisation standard deviation (default 1)."),
        .value("clip-norm", "N", "Clip the gradients' global L2 norm to N, as torch's clip_grad_norm_ (default 0: off)."),
        .value("ema", "DECAY", "Keep an exponential moving average of the weights (e.g. 0.999), validated and saved as the model (default 0: off)."),
        .value("label-smoothing", "S", "Label smoothing of the cross-entropy, as torch's label_smoothing (default 0)."),
        .flag("class-weights", "Weight the loss by inverse class frequency."),
        .value("class-weight-power", "P", "With --class-weights: the inverse frequencies raised to P (default 1; 0.5: their square root, milder)."),
        .flag("balanced", "Sample classes equally often (oversampling rare ones)."),
        .value("subset", "N", "Train on a random N images of the training split (quick experiments, smoke tests)."),
        .value("val-subset", "N", "Validate on a random N images of the validation data."),
        DataChoice.skipBadOption,
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        The run folder is created once the data and the network are known to be good. Writes to it: checkpoint.safetensors (resume state, after every epoch and on Ctrl-C), \
        best.safetensors (best validation accuracy), model.safetensors (final), metrics.jsonl (a provenance \
        record, then one record per epoch; schema in the README). Ctrl-C finishes the current step, writes a checkpoint and exits 130. \
        Progress and messages go to standard error.

        """ + Recipes.helpText

    let arguments: ParsedArguments
    /// The options this command line asks for: the seed recipe with what it gives applied.
    /// A resumed run uses its checkpoint's instead (`RunOptions.resumed`).
    let options: TrainingOptions
    /// The network a new run builds (a resumed run rebuilds its own from the checkpoint).
    let modelDescription: ModelDescription

    init(_ given: ParsedArguments) throws {
        let a = try Recipes.expanded(given, specs: Self.options)
        self.arguments = a
        modelDescription = try Architecture.modelDescription(nameOrPath: a.string("model") ?? "seed")
        var options = TrainingOptions()
        try RunOptions.apply(a, to: &options)
        if let problem = options.problems().first { throw UsageError(message: problem, command: Self.name) }
        self.options = options
        _ = try a.optionalInt("subset", range: 2...Int.max)
        _ = try a.optionalInt("val-subset", range: 1...Int.max)
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

        // Everything that can be refused is checked before the device, the tuner or the data
        // are touched, and before anything is written.
        var options = self.options
        var saved: Checkpoint.SavedRun?
        if resume {
            let record = try Checkpoint.savedRun(at: run.checkpoint)
            options = try RunOptions.resumed(record, arguments: arguments)
            if record.state.epoch >= options.epochs {
                printError("\(run.url.path) is finished: \(record.state.epoch) of \(record.options.epochs) epochs done; nothing to do. "
                           + "To train it further, give a larger total: fer-cl train --resume --out \(run.url.path) --epochs \(record.state.epoch + 5)")
                return 0
            }
            saved = record
        } else {
            options.data = try RunOptions.dataSelection(arguments)
        }
        guard let data = options.data else { throw UsageError(message: DataChoice.whereToPutIt, command: Self.name) }

        let backend = try BackendChoice.make(arguments)
        var state = TrainingState()
        let network = saved != nil ? try Network(description: try Checkpoint.modelDescription(at: run.checkpoint), backend: backend)
                                   : try Network(description: modelDescription, backend: backend)
        if let saved {
            state = try Checkpoint.restore(from: run.checkpoint, into: network).state
            printError("resuming \(run.url.path) at epoch \(state.epoch + 1) of \(options.epochs), batch \(state.batchInEpoch + 1) "
                       + "(the run's own options and data)")
            if let opencl = backend as? OpenCLBackend, let text = saved.metadata[Provenance.tileShapeKey],
               let shape = try? JSONDecoder().decode(GemmTuning.self, from: Data(text.utf8)) {
                // The interrupted run's shape: it groups the weight gradient's partial sums, so the
                // resumed run computes exactly as the interrupted one would have.
                opencl.adoptTuning(shape, source: .given)
                printError("using the run's tile shapes (\(shape.summary))")
            }
        } else {
            try network.initialize(seed: options.seed)
            if let initPath = arguments.string("init") {
                let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: initPath))
                let (missing, unexpected) = try ModelFile.load(file, into: network, path: initPath, strict: false,
                                                               ignoringPrefix: Checkpoint.optimizerPrefix)
                printError("initialised from \(initPath)"
                           + (missing.isEmpty ? "" : "; missing (kept at default init): \(missing.joined(separator: ", "))")
                           + (unexpected.isEmpty ? "" : "; unexpected (ignored): \(unexpected.joined(separator: ", "))"))
            }
            if !arguments.flag("no-tune") {
                // Before the data load, whose memory would add to the tuner's (0.54 GB of workload
                // and program builds; together 1.08 GB peak, measured), but after the data paths
                // were checked: a wrong --data path should not cost a minute of tuning.
                BackendChoice.tuneOnFirstUse(backend, arguments)
            }
        }
        // The decoded images go out of scope with this block: the device holds its own copy.
        let trainer: Trainer
        let provenance = Provenance.describe(backend: backend, arguments: CommandLine.arguments, resuming: saved?.metadata)
        do {
            let (train, validation) = try datasets(data, options)
            let summary = ModelSummary(network)
            printError(summary.headline + "\n" + summary.table)
            trainer = try Trainer(options: options, network: network, train: train, validation: validation,
                                  run: run, state: state, provenance: provenance)
            if resume, let average = trainer.average { try Checkpoint.restore(average, from: run.checkpoint) }
            // Data and network are good: only now does the run folder come to exist.
            if resume {
                try run.appendRecord(type: "resume", ["command": CommandLine.arguments.joined(separator: " "),
                                                      "created": provenance["resumed"] ?? "", "epoch": state.epoch,
                                                      "batch_in_epoch": state.batchInEpoch, "epochs": options.epochs,
                                                      "device": backend.name, "fer_cl_commit": BuildInfo.commit])
            } else {
                try run.create()
                try run.appendRunRecord(provenance: provenance, options: options)
            }
            printError("training \(options.architecture) (\(network.parameterCount) parameters) on \(backend.name): "
                       + "\(train.count) training images" + (validation.map { ", \($0.count) validation images" } ?? ", no validation")
                       + " from \(data.path); run folder \(run.url.path)")
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
            printError("interrupted: checkpoint written to \(run.checkpoint.path); continue with `fer-cl train --resume --out \(run.url.path)`")
            return 130
        case .completed:
            RunFolderReport.write(run: run, backend: backend, data: data, batch: options.batch)
            let best = trainer.state.bestValidationAccuracy
            printError("done: final model \(run.model.path)" + (best >= 0 ? String(format: "; best validation accuracy %.2f%% (epoch %d) in %@",
                                                                                       best * 100, trainer.state.bestEpoch, run.best.path) : ""))
            return 0
        }
    }

    /// Training and validation data as the run's data selection and options say.
    func datasets(_ data: DataSelection, _ options: TrainingOptions) throws -> (Dataset, Dataset?) {
        let loaded = try loadDatasets(at: data.path, options: LoadOptions(skipBad: data.skipBad))
        DataChoice.reportSkipped(loaded.report)
        guard var train = loaded[.train] else {
            throw UsageError(message: "\(loaded.source) has no training split (train/ folder or Training rows)", command: Self.name)
        }
        var validation: Dataset?
        if let valPath = data.validationPath {
            let other = try loadDatasets(at: valPath, options: LoadOptions(skipBad: data.skipBad))
            DataChoice.reportSkipped(other.report)
            validation = other[.test] ?? other.datasets.first
        } else if options.validationSplit > 0 {
            (train, validation) = options.stratifiedValidationSplit
                ? train.holdingOutStratified(options.validationSplit, seed: options.seed)
                : train.holdingOut(options.validationSplit, seed: options.seed)
        } else {
            validation = loaded[.test]
        }
        if let limit = data.trainSubset { train = train.randomSubset(limit, seed: options.seed) }
        if let limit = data.validationSubset { validation = validation?.randomSubset(limit, seed: options.seed) }
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
}
