import FERCore
import FERModel
import Foundation

/// Where a run stands: enough, with the weights and Adam moments, to continue it exactly.
/// Shuffling, augmentation and dropout are pure functions of (seed, epoch, step), so no
/// generator state needs saving beyond these counters.
public struct TrainingState: Codable, Equatable, Sendable {
    /// Epochs fully completed.
    public var epoch = 0
    /// Batches done in the current (incomplete) epoch.
    public var batchInEpoch = 0
    /// Optimiser steps taken in the whole run.
    public var step = 0
    /// Running sums of the current epoch's training metrics, so a resumed epoch reports the same totals.
    public var epochLossSum = 0.0
    public var epochCorrect = 0
    public var epochSeen = 0
    public var bestValidationAccuracy: Double = -1
    public var bestEpoch = 0
    /// Reduce-on-plateau's progress (untouched by the other schedules).
    public var plateau = PlateauTracker()

    public init() {}

    /// Fields added after a checkpoint was written take their defaults, so it still resumes.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingState()
        epoch = try c.value(.epoch, or: d.epoch)
        batchInEpoch = try c.value(.batchInEpoch, or: d.batchInEpoch)
        step = try c.value(.step, or: d.step)
        epochLossSum = try c.value(.epochLossSum, or: d.epochLossSum)
        epochCorrect = try c.value(.epochCorrect, or: d.epochCorrect)
        epochSeen = try c.value(.epochSeen, or: d.epochSeen)
        bestValidationAccuracy = try c.value(.bestValidationAccuracy, or: d.bestValidationAccuracy)
        bestEpoch = try c.value(.bestEpoch, or: d.bestEpoch)
        plateau = try c.value(.plateau, or: d.plateau)
    }

    enum CodingKeys: String, CodingKey {
        case epoch, batchInEpoch, step, epochLossSum, epochCorrect, epochSeen, bestValidationAccuracy, bestEpoch, plateau
    }
}

/// Resume checkpoints: the network tensors under their model names, the optimiser's state under
/// `optimizer.<name>.<state>` (torch.optim's names: Adam's `exp_avg` / `exp_avg_sq`, SGD's
/// `momentum_buffer`; PyTorch layouts), and in the
/// metadata the options and the training state as JSON.
public enum Checkpoint {
    public static let optimizerPrefix = "optimizer."

    public static func save(network: Network, options: TrainingOptions, state: TrainingState,
                            provenance: [String: String], average: WeightAverage? = nil, to url: URL) throws {
        var tensors = try ModelFile.tensors(of: network)
        if let average { tensors.merge(try average.tensors()) { $1 } }
        let optimizer = options.makeOptimizer()
        for parameter in network.parameters {
            for (suffix, tensor) in optimizer.state(of: parameter) {
                tensors["\(optimizerPrefix)\(parameter.name).\(suffix)"] = .floats(
                    parameter.layout.toPyTorch(try network.backend.floats(tensor)), shape: parameter.layout.pytorchShape)
            }
        }
        var extra = provenance
        extra["training_options"] = try json(options)
        extra["training_state"] = try json(state)
        extra["kind"] = "checkpoint"
        try SafetensorsFile(tensors: tensors, metadata: ModelFile.metadata(for: network, normalization: options.normalization, extra: extra))
            .write(to: url)
    }

    /// Saves the network alone (model.safetensors, best.safetensors).
    public static func saveModel(network: Network, normalization: Normalization, provenance: [String: String], to url: URL) throws {
        var extra = provenance
        extra["kind"] = "model"
        try SafetensorsFile(tensors: try ModelFile.tensors(of: network),
                            metadata: ModelFile.metadata(for: network, normalization: normalization, extra: extra)).write(to: url)
    }

    /// A checkpoint's record of its run, read from the metadata alone (no tensors are loaded):
    /// enough to reconcile a resuming command line and to tell a finished run.
    public struct SavedRun: Sendable {
        public let options: TrainingOptions
        public let state: TrainingState
        /// Every metadata string (provenance: command, device, tile shape, ...).
        public let metadata: [String: String]
        public var isFinished: Bool { state.epoch >= options.epochs }
    }

    public static func savedRun(at url: URL) throws -> SavedRun {
        try savedRun(in: try SafetensorsFile(contentsOf: url), path: url.path)
    }

    static func savedRun(in file: SafetensorsFile, path: String) throws -> SavedRun {
        guard file.metadata["kind"] == "checkpoint", let optionsText = file.metadata["training_options"],
              let stateText = file.metadata["training_state"] else {
            let kind = file.metadata["kind"].map { " (it is a \($0) file)" } ?? ""
            throw ModelFileError.notAModel(path: path, reason: "not a fer-cl resume checkpoint\(kind): no training state in its metadata")
        }
        do {
            return SavedRun(options: try JSONDecoder().decode(TrainingOptions.self, from: Data(optionsText.utf8)),
                            state: try JSONDecoder().decode(TrainingState.self, from: Data(stateText.utf8)), metadata: file.metadata)
        } catch {
            throw ModelFileError.notAModel(path: path, reason: "its saved training options or state cannot be read: \(error)")
        }
    }

    /// Restores weights, moments and counters into `network`; returns the saved options and state.
    public static func restore(from url: URL, into network: Network) throws -> (options: TrainingOptions, state: TrainingState) {
        let file = try SafetensorsFile(contentsOf: url)
        let saved = try savedRun(in: file, path: url.path)
        let (options, state) = (saved.options, saved.state)
        try ModelFile.load(file, into: network, path: url.path, strict: true, ignoringPrefix: optimizerPrefix)
        let optimizer = options.makeOptimizer()
        for parameter in network.parameters {
            for (suffix, tensor) in optimizer.state(of: parameter) {
                let name = "\(optimizerPrefix)\(parameter.name).\(suffix)"
                guard let entry = file.tensors[name], entry.shape == parameter.layout.pytorchShape else {
                    throw ModelFileError.mismatch(path: url.path, missing: [name], unexpected: [], wrongShape: [])
                }
                try network.backend.upload(parameter.layout.fromPyTorch(try entry.floats()), to: tensor)
            }
        }
        return (options, state)
    }

    /// Restores the moving average saved with a checkpoint (`--ema` runs).
    public static func restore(_ average: WeightAverage, from url: URL) throws {
        try average.restore(from: try SafetensorsFile(contentsOf: url), path: url.path)
    }

    /// A string of a checkpoint's or model file's metadata (provenance such as the tile shape), if present.
    public static func metadata(_ key: String, at url: URL) throws -> String? {
        try SafetensorsFile(contentsOf: url).metadata[key]
    }

    /// The network a checkpoint or model file was saved from, to build it before restoring.
    public static func modelDescription(at url: URL) throws -> ModelDescription {
        try ModelFile.modelDescription(in: try SafetensorsFile(contentsOf: url), path: url.path)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
