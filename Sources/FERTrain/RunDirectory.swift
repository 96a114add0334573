import Foundation

public enum RunDirectoryError: Error, CustomStringConvertible {
    case exists(String)
    case noCheckpoint(String)
    case cannotCreate(String, String)

    public var description: String {
        switch self {
        case let .exists(path): "\(path) already holds a run; use --resume to continue it, --force to overwrite it, or --out to choose another folder"
        case let .noCheckpoint(path):
            FileManager.default.fileExists(atPath: path)
                ? "--resume: \(path) has no checkpoint.safetensors (not a run folder, or its run never finished an epoch)"
                : "--resume: \(path) does not exist"
        case let .cannotCreate(path, reason): "cannot create run folder \(path): \(reason)"
        }
    }
}

/// The files of one run: checkpoint.safetensors (resume state), best.safetensors and
/// model.safetensors (the network alone: best by validation, and final), metrics.jsonl.
///
/// Opening a run folder checks it and changes nothing; `create()` makes it (and, with
/// `force`, clears the old run's files) once the data and the network are known to be good,
/// so a `train` that fails early leaves no folder behind and does not destroy the run it
/// would have replaced.
public struct RunDirectory: Sendable {
    public let url: URL
    let force: Bool

    public var checkpoint: URL { url.appendingPathComponent("checkpoint.safetensors") }
    public var best: URL { url.appendingPathComponent("best.safetensors") }
    public var model: URL { url.appendingPathComponent("model.safetensors") }
    public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }

    /// The version of metrics.jsonl's record layout, written into every record. Version 1
    /// (no `schema` key) stored `training_options` and `tile_shape` as JSON inside strings;
    /// version 2 stores them as nested objects.
    public static let metricsSchema = 2

    /// Opens a folder for a new run (refusing one that holds a run unless `force`) or for
    /// resuming (requiring its checkpoint). Nothing is written yet.
    public init(_ url: URL, resume: Bool, force: Bool) throws {
        self.url = url
        self.force = force
        let manager = FileManager.default
        if resume {
            guard manager.fileExists(atPath: checkpoint.path) else { throw RunDirectoryError.noCheckpoint(url.path) }
            return
        }
        if [checkpoint, metrics, model].contains(where: { manager.fileExists(atPath: $0.path) }), !force {
            throw RunDirectoryError.exists(url.path)
        }
    }

    /// Whether the folder exists on disk yet.
    public var exists: Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Makes the folder for a new run; with `force`, removes the previous run's files first.
    public func create() throws {
        let manager = FileManager.default
        if force { for file in [checkpoint, best, model, metrics] { try? manager.removeItem(at: file) } }
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw RunDirectoryError.cannotCreate(url.path, error.localizedDescription)
        }
    }

    /// Appends one record to metrics.jsonl: `fields` plus its `type` and the `schema` version,
    /// as one line of plain nested JSON with sorted keys.
    public func appendRecord(type: String, _ fields: [String: Any]) throws {
        var object = fields
        object["type"] = type
        object["schema"] = Self.metricsSchema
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        try appendLine(String(decoding: data, as: UTF8.self))
    }

    /// The run's first record: where it came from (provenance; values that are JSON, such as
    /// the tile shape, nested as objects) and every training option.
    public func appendRunRecord(provenance: [String: String], options: TrainingOptions) throws {
        var fields: [String: Any] = provenance
        for key in Self.jsonProvenanceKeys {
            if let text = provenance[key], let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) { fields[key] = object }
        }
        fields["training_options"] = try Self.jsonObject(options)
        try appendRecord(type: "run", fields)
    }

    /// Provenance values that hold JSON (kept as strings in safetensors metadata, which only holds strings).
    public static let jsonProvenanceKeys = ["tile_shape"]

    func appendMetrics(_ metrics: EpochMetrics) throws {
        try appendRecord(type: "epoch", try Self.jsonObject(metrics))
    }

    /// Appends one line of text (one JSON record).
    func appendLine(_ json: String) throws {
        let line = Data((json + "\n").utf8)
        if let handle = try? FileHandle(forWritingTo: metrics) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } else {
            try line.write(to: metrics)
        }
    }

    static func jsonObject<T: Encodable>(_ value: T) throws -> [String: Any] {
        let text = try Checkpoint.json(value)
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}
