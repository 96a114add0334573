import FERCore
import FERData
import FERModel
import Foundation

/// Input normalisation stored with a model: input = (pixel * scale - mean) / std for pixels 0-255.
public struct Normalization: Codable, Equatable, Sendable {
    public var scale: Float
    public var mean: Float
    public var std: Float
    /// The `--crop-padding` the model was trained with (nil: none, or a file from before this
    /// was recorded): test-time ten-crop takes its views at these offsets.
    public var trainingCropPadding: Int?

    public init(scale: Float = 1.0 / 255.0, mean: Float = 0, std: Float = 1, trainingCropPadding: Int? = nil) {
        self.scale = scale; self.mean = mean; self.std = std; self.trainingCropPadding = trainingCropPadding
    }

    /// Without a crop padding the text is what fer-cl 0.2 wrote, so those files stay byte-identical.
    public var json: String {
        "{\"mean\":\(mean),\"scale\":\(scale),\"std\":\(std)"
            + (trainingCropPadding.map { ",\"training_crop_padding\":\($0)" } ?? "") + "}"
    }

    enum CodingKeys: String, CodingKey {
        case scale, mean, std
        case trainingCropPadding = "training_crop_padding"
    }

    /// Gathering without augmentation, normalised this way: how evaluation and prediction
    /// turn stored images into network input (training adds its augmentation on top).
    public func plainBatch(batch: Int, imageCount: Int, seed: UInt64 = 0, epoch: UInt64 = 0) -> AugmentParameters {
        var p = AugmentParameters(batch: batch, imageCount: imageCount, seed: seed, epoch: epoch)
        p.pixelScale = scale
        p.mean = mean
        p.std = std
        return p
    }
}

public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    case notAModel(path: String, reason: String)
    case mismatch(path: String, missing: [String], unexpected: [String], wrongShape: [String])

    public var description: String {
        switch self {
        case let .notAModel(path, reason):
            "\(path): not a fer-cl model: \(reason)"
        case let .mismatch(path, missing, unexpected, wrongShape):
            "\(path) does not fit the network: "
                + [missing.isEmpty ? nil : "missing \(missing.joined(separator: ", "))",
                   unexpected.isEmpty ? nil : "unexpected \(unexpected.joined(separator: ", "))",
                   wrongShape.isEmpty ? nil : "wrong shape \(wrongShape.joined(separator: "; "))"]
                    .compactMap { $0 }.joined(separator: "; ")
        }
    }
}

/// A network's tensors in PyTorch's state_dict names and layouts, and back.
public enum ModelFile {
    public static let format = "fer-cl/1"
    /// The metadata key of the network's description (JSON, `ModelDescription`).
    public static let modelKey = "model"

    /// The network a model file or checkpoint was saved from: its stored description, or for
    /// files written before descriptions were stored, the built-in its architecture names.
    public static func modelDescription(in file: SafetensorsFile, path: String) throws -> ModelDescription {
        if let json = file.metadata[modelKey] {
            return try ModelDescription.decode(json: json, source: "\(path) (metadata '\(modelKey)')")
        }
        guard let architecture = file.metadata["architecture"] else {
            throw ModelFileError.notAModel(path: path, reason: "metadata has no architecture")
        }
        return try Architecture.named(architecture).modelDescription
    }

    /// Parameters, state such as batch-norm running statistics, and counters such as
    /// `num_batches_tracked` (int64 scalars), each as its layer names it.
    public static func tensors(of network: Network) throws -> [String: SafetensorsFile.Entry] {
        var tensors: [String: SafetensorsFile.Entry] = [:]
        for parameter in network.parameters {
            tensors[parameter.name] = .floats(parameter.layout.toPyTorch(try network.backend.floats(parameter.value)),
                                              shape: parameter.layout.pytorchShape)
        }
        for layer in network.layers {
            for state in layer.stateTensors {
                tensors[state.name] = .floats(try network.backend.floats(state.value), shape: state.pytorchShape)
            }
            for (name, value) in layer.counters { tensors[name] = .int64(value) }
        }
        return tensors
    }

    /// The metadata every model file carries.
    public static func metadata(for network: Network, normalization: Normalization, extra: [String: String] = [:]) -> [String: String] {
        let classes = EmotionClass.allCases.map(\.name)
        var metadata = extra
        metadata["format"] = format
        metadata["architecture"] = network.architecture
        if let description = network.modelDescription, let json = try? description.json() { metadata[modelKey] = json }
        metadata["classes"] = "[" + classes.prefix(network.classes).map { "\"\($0)\"" }.joined(separator: ",") + "]"
        metadata["normalization"] = normalization.json
        return metadata
    }

    /// Loads the tensors named like the network's. With `strict`, any missing, unexpected
    /// or wrongly shaped tensor is an error; otherwise only shape errors are, and the names
    /// that did not match are returned so the caller can report them.
    @discardableResult
    public static func load(_ file: SafetensorsFile, into network: Network, path: String, strict: Bool,
                            ignoringPrefix ignored: String? = nil) throws -> (missing: [String], unexpected: [String]) {
        let expected = try tensors(of: network)
        let present = Set(file.tensors.keys.filter { ignored == nil || !$0.hasPrefix(ignored!) })
        let missing = expected.keys.filter { !present.contains($0) }.sorted()
        let unexpected = present.filter { expected[$0] == nil }.sorted()
        let wrongShape = expected.compactMap { name, entry -> String? in
            guard let found = file.tensors[name], found.shape != entry.shape || found.dtype != entry.dtype else { return nil }
            return "\(name) is \(found.dtype.rawValue) \(found.shape), expected \(entry.dtype.rawValue) \(entry.shape)"
        }.sorted()
        if !wrongShape.isEmpty || (strict && !(missing.isEmpty && unexpected.isEmpty)) {
            throw ModelFileError.mismatch(path: path, missing: missing, unexpected: unexpected, wrongShape: wrongShape)
        }
        for parameter in network.parameters {
            guard let entry = file.tensors[parameter.name] else { continue }
            try network.backend.upload(parameter.layout.fromPyTorch(try entry.floats()), to: parameter.value)
        }
        for layer in network.layers {
            for state in layer.stateTensors {
                guard let entry = file.tensors[state.name] else { continue }
                try network.backend.upload(try entry.floats(), to: state.value)
            }
            for name in layer.counters.keys {
                guard let entry = file.tensors[name] else { continue }
                layer.restoreCounter(name, try entry.int64Scalar())
            }
        }
        return (missing, unexpected)
    }

    /// Reads a model file, checks it is a fer-cl model, builds its network on `backend`
    /// and loads the weights (strictly).
    public static func open(_ url: URL, on backend: Backend) throws -> (network: Network, normalization: Normalization, file: SafetensorsFile) {
        let file = try SafetensorsFile(contentsOf: url)
        guard let format = file.metadata["format"], format.hasPrefix("fer-cl/") else {
            throw ModelFileError.notAModel(path: url.path, reason: "no fer-cl format in its metadata (is it a plain PyTorch export? use `train --init` for those)")
        }
        let description = try modelDescription(in: file, path: url.path)
        guard let normalizationText = file.metadata["normalization"],
              let normalization = try? JSONDecoder().decode(Normalization.self, from: Data(normalizationText.utf8)),
              normalization.std > 0 else {
            throw ModelFileError.notAModel(path: url.path, reason: "metadata normalization is missing or invalid")
        }
        let network = try Network(description: description, backend: backend)
        try load(file, into: network, path: url.path, strict: true, ignoringPrefix: Checkpoint.optimizerPrefix)
        return (network, normalization, file)
    }
}
