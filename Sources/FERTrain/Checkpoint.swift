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

    public init() {}
}

/// Resume checkpoints: the network tensors under their model names, Adam's moments under
/// `optimizer.<name>.exp_avg` / `.exp_avg_sq` (PyTorch's names, PyTorch layouts), and in the
/// metadata the options and the training state as JSON.
public enum Checkpoint {
    public static let optimizerPrefix = "optimizer."

    public static func save(network: Network, options: TrainingOptions, state: TrainingState,
                            provenance: [String: String], to url: URL) throws {
        var tensors = try ModelFile.tensors(of: network)
        for parameter in network.parameters {
            tensors["\(optimizerPrefix)\(parameter.name).exp_avg"] = .floats(
                parameter.layout.toPyTorch(try network.backend.floats(parameter.firstMoment)), shape: parameter.layout.pytorchShape)
            tensors["\(optimizerPrefix)\(parameter.name).exp_avg_sq"] = .floats(
                parameter.layout.toPyTorch(try network.backend.floats(parameter.secondMoment)), shape: parameter.layout.pytorchShape)
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

    /// Restores weights, moments and counters into `network`; returns the saved options and state.
    public static func restore(from url: URL, into network: Network) throws -> (options: TrainingOptions, state: TrainingState) {
        let file = try SafetensorsFile(contentsOf: url)
        guard file.metadata["kind"] == "checkpoint",
              let optionsText = file.metadata["training_options"], let stateText = file.metadata["training_state"],
              let options = try? JSONDecoder().decode(TrainingOptions.self, from: Data(optionsText.utf8)),
              let state = try? JSONDecoder().decode(TrainingState.self, from: Data(stateText.utf8)) else {
            throw ModelFileError.notAModel(path: url.path, reason: "not a fer-cl resume checkpoint (no training state in its metadata)")
        }
        try ModelFile.load(file, into: network, path: url.path, strict: true, ignoringPrefix: optimizerPrefix)
        for parameter in network.parameters {
            for (suffix, tensor) in [("exp_avg", parameter.firstMoment), ("exp_avg_sq", parameter.secondMoment)] {
                let name = "\(optimizerPrefix)\(parameter.name).\(suffix)"
                guard let entry = file.tensors[name], entry.shape == parameter.layout.pytorchShape else {
                    throw ModelFileError.mismatch(path: url.path, missing: [name], unexpected: [], wrongShape: [])
                }
                try network.backend.upload(parameter.layout.fromPyTorch(try entry.floats()), to: tensor)
            }
        }
        return (options, state)
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
