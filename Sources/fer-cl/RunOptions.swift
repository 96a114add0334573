import FERData
import FERModel
import FERTrain
import Foundation

/// The command-line options that shape a training run, in one table: how each is applied to
/// `TrainingOptions` and how its recorded value reads, so that a resumed run can be checked
/// against the command line that resumes it ("--lr 0.01 differs from the run's 0.001").
enum RunOptions {
    /// What a resuming command line may change. Everything else is the run's own.
    static let changeableOnResume: Set<String> = ["epochs", "device", "kernels", "no-tune", "out", "resume"]
    static let changeableDescription = "--epochs (a new total), --device, --kernels and --no-tune"

    /// Each run-shaping option and its value in a set of options, as a user would type it.
    static let recorded: [(option: String, value: (TrainingOptions) -> String)] = [
        ("recipe", { $0.recipe ?? "none" }), ("model", { $0.architecture }), ("batch", { "\($0.batch)" }), ("lr", { "\($0.learningRate)" }),
        ("weight-decay", { "\($0.weightDecay)" }), ("adamw", { flag($0.decoupledWeightDecay) }),
        ("optimizer", { $0.optimizer.rawValue }), ("momentum", { "\($0.momentum)" }), ("nesterov", { flag($0.nesterov) }),
        ("no-vector-decay", { flag($0.sparesVectorsFromDecay) }),
        ("schedule", { $0.schedule.rawValue }), ("warmup", { "\($0.warmupEpochs)" }), ("step-epochs", { "\($0.stepEpochs)" }),
        ("step-gamma", { "\($0.stepGamma)" }), ("plateau-factor", { "\($0.plateauFactor)" }),
        ("plateau-patience", { "\($0.plateauPatience)" }), ("seed", { "\($0.seed)" }), ("flip", { "\($0.flipProbability)" }),
        ("rotate", { "\($0.rotationDegrees)" }), ("scale", { "\($0.scaleJitter)" }), ("translate", { "\($0.translatePixels)" }),
        ("crop-padding", { "\($0.cropPadding)" }), ("erase", { "\($0.erasingProbability)" }),
        ("mixup", { "\($0.mixupAlpha)" }), ("cutmix", { "\($0.cutmixAlpha)" }), ("mix-prob", { "\($0.mixProbability)" }), ("mean", { "\($0.mean)" }), ("std", { "\($0.std)" }),
        ("label-smoothing", { "\($0.labelSmoothing)" }), ("ema", { "\($0.weightAverageDecay)" }),
        ("clip-norm", { "\($0.gradientClipNorm)" }), ("class-weights", { flag($0.classWeights) }),
        ("class-weight-power", { "\($0.classWeightPower)" }), ("balanced", { flag($0.balancedSampling) }),
        ("val-split", { "\($0.validationSplit)" }),
        ("data", { $0.data?.path ?? "unknown" }), ("val", { $0.data?.validationPath ?? "none" }),
        ("subset", { $0.data?.trainSubset.map(String.init) ?? "none (all images)" }),
        ("val-subset", { $0.data?.validationSubset.map(String.init) ?? "none (all images)" }),
        ("skip-bad", { flag($0.data?.skipBad ?? false) }),
    ]

    static func flag(_ on: Bool) -> String { on ? "on" : "off" }

    /// Sets the fields of `options` that the command line gives; the others keep their values.
    /// Data options are not applied here: they need the file system (`dataSelection`).
    static func apply(_ a: ParsedArguments, to options: inout TrainingOptions) throws {
        let command = TrainCommand.name
        if let recipe = a.string("recipe") { options.recipe = try Recipes.named(recipe).name }
        if let model = a.string("model") { options.architecture = try Architecture.modelDescription(nameOrPath: model).name }
        options.epochs = try a.int("epochs", default: options.epochs, range: 1...100_000)
        options.batch = try a.int("batch", default: options.batch, range: 2...65_536)
        options.learningRate = try a.float("lr", default: options.learningRate)
        options.weightDecay = try a.float("weight-decay", default: options.weightDecay)
        if a.flag("adamw") { options.decoupledWeightDecay = true }
        if let name = a.string("optimizer") {
            guard let kind = TrainingOptions.OptimizerKind(rawValue: name) else {
                throw UsageError(message: "--optimizer must be adam or sgd, got '\(name)'", command: command)
            }
            options.optimizer = kind
        }
        options.momentum = try a.float("momentum", default: options.momentum)
        if a.flag("nesterov") { options.nesterov = true }
        if a.flag("no-vector-decay") { options.sparesVectorsFromDecay = true }
        if let schedule = a.string("schedule") {
            guard let value = TrainingOptions.Schedule(rawValue: schedule) else {
                throw UsageError(message: "--schedule must be one of \(TrainingOptions.Schedule.allCases.map(\.rawValue).joined(separator: ", ")), got '\(schedule)'", command: command)
            }
            options.schedule = value
        }
        options.warmupEpochs = try a.float("warmup", default: options.warmupEpochs)
        options.stepEpochs = try a.int("step-epochs", default: options.stepEpochs, range: 1...100_000)
        options.stepGamma = try a.float("step-gamma", default: options.stepGamma)
        options.plateauFactor = try a.float("plateau-factor", default: options.plateauFactor)
        options.plateauPatience = try a.int("plateau-patience", default: options.plateauPatience, range: 0...100_000)
        options.seed = try a.uint64("seed", default: options.seed)
        let augmentation = try AugmentationFlags(flip: options.flipProbability, rotate: options.rotationDegrees, scale: options.scaleJitter,
                                                 translate: options.translatePixels, cropPadding: options.cropPadding,
                                                 erase: options.erasingProbability).parsed(a)
        options.flipProbability = augmentation.flip
        options.rotationDegrees = augmentation.rotate
        options.scaleJitter = augmentation.scale
        options.translatePixels = augmentation.translate
        options.cropPadding = augmentation.cropPadding
        options.erasingProbability = augmentation.erase
        options.mixupAlpha = try a.float("mixup", default: options.mixupAlpha)
        options.cutmixAlpha = try a.float("cutmix", default: options.cutmixAlpha)
        options.mixProbability = try a.float("mix-prob", default: options.mixProbability)
        options.mean = try a.float("mean", default: options.mean)
        options.std = try a.float("std", default: options.std)
        options.labelSmoothing = try a.float("label-smoothing", default: options.labelSmoothing)
        options.weightAverageDecay = try a.float("ema", default: options.weightAverageDecay)
        options.gradientClipNorm = try a.float("clip-norm", default: options.gradientClipNorm)
        if a.flag("class-weights") { options.classWeights = true }
        options.classWeightPower = try a.float("class-weight-power", default: options.classWeightPower)
        guard options.classWeightPower >= 0 else {
            throw UsageError(message: "--class-weight-power must be at least 0, got \(options.classWeightPower)", command: command)
        }
        if a.flag("balanced") { options.balancedSampling = true }
        options.validationSplit = try a.float("val-split", default: options.validationSplit)
    }

    /// The data a new run reads: --data (or its default), --val, the subsets and --skip-bad,
    /// with paths made absolute so the run can be resumed from any folder.
    static func dataSelection(_ a: ParsedArguments) throws -> DataSelection {
        guard let path = DataChoice.path(a) else { throw UsageError(message: DataChoice.whereToPutIt, command: TrainCommand.name) }
        let location = try DatasetLocation.open(path: path)
        if let valPath = a.string("val") { _ = try DatasetLocation.open(path: valPath) }
        return DataSelection(path: absolute(path), layout: location.layout, validationPath: a.string("val").map(absolute),
                             trainSubset: try a.optionalInt("subset", range: 2...Int.max),
                             validationSubset: try a.optionalInt("val-subset", range: 1...Int.max), skipBad: a.flag("skip-bad"))
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The options a resumed run continues with: the checkpoint's, with only `--epochs` taken
    /// from the command line. Any other option the command line gives must equal the run's.
    static func resumed(_ saved: Checkpoint.SavedRun, arguments a: ParsedArguments) throws -> TrainingOptions {
        var options = saved.options
        if options.data == nil { options.data = try legacyDataSelection(saved, resuming: a) }
        var requested = options
        try apply(a, to: &requested)
        let given = Set(a.values.keys).union(a.flags)
        var conflicts: [String] = []
        for name in given.subtracting(changeableOnResume).sorted() {
            guard let row = recorded.first(where: { $0.option == name }) else {
                conflicts.append("--\(name) only applies when a run starts")
                continue
            }
            let asked = try dataOptions.contains(name) ? requestedDataValue(name, a) : row.value(requested)
            let kept = row.value(options)
            if asked != kept { conflicts.append("--\(name) \(asked) differs from the run's \(kept)") }
        }
        if !conflicts.isEmpty {
            throw UsageError(message: conflicts.joined(separator: "; ") + ". A resumed run keeps the options it started with "
                                 + "(it may change only \(changeableDescription)); to train with other options, start a new run with another --out",
                             command: TrainCommand.name)
        }
        if requested.epochs < saved.state.epoch {
            throw UsageError(message: "--epochs \(requested.epochs) is fewer than the \(saved.state.epoch) epochs the run has completed",
                             command: TrainCommand.name)
        }
        options.epochs = requested.epochs
        if let problem = options.problems().first { throw UsageError(message: problem, command: TrainCommand.name) }
        return options
    }

    static let dataOptions: Set<String> = ["data", "val", "subset", "val-subset", "skip-bad"]

    /// A data option as the resuming command line gives it, in the recorded form.
    static func requestedDataValue(_ name: String, _ a: ParsedArguments) throws -> String {
        switch name {
        case "data": absolute(a.string("data") ?? "")
        case "val": absolute(a.string("val") ?? "")
        case "subset": "\(try a.int("subset", default: 0, range: 2...Int.max))"
        case "val-subset": "\(try a.int("val-subset", default: 0, range: 1...Int.max))"
        default: flag(a.flag(name))
        }
    }

    /// Checkpoints written before fer-cl recorded its data options: the data options of the
    /// command line that started the run (in the checkpoint's provenance). Its --data may have
    /// come from $FER2013_DIR or ./data/fer2013; then the resuming command's default applies.
    static func legacyDataSelection(_ saved: Checkpoint.SavedRun, resuming a: ParsedArguments) throws -> DataSelection {
        let words = (saved.metadata["command"] ?? "").split(separator: " ").map(String.init)
        guard let trainIndex = words.firstIndex(of: TrainCommand.name),
              let original = try? ParsedArguments(Array(words[(trainIndex + 1)...]), specs: TrainCommand.options, command: TrainCommand.name) else {
            printError("fer-cl train: warning: the checkpoint records no data options and its command line cannot be read; "
                       + "using this command line's data options")
            return try dataSelection(a)
        }
        var merged = original
        if merged.values["data"] == nil, let data = DataChoice.path(a) { merged.values["data"] = data }
        printError("fer-cl train: the checkpoint predates recorded data options; using those of its command line: "
                   + (dataOptions.sorted().compactMap { name in
                       merged.values[name].map { "--\(name) \($0)" } ?? (merged.flag(name) ? "--\(name)" : nil)
                   }.joined(separator: " ")))
        return try dataSelection(merged)
    }
}
