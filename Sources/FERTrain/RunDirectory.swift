import Foundation

public enum RunDirectoryError: Error, CustomStringConvertible {
    case exists(String)
    case noCheckpoint(String)
    case cannotCreate(String, String)

    public var description: String {
        switch self {
        case let .exists(path): "\(path) already holds a run; use --resume to continue it, --force to overwrite it, or --out to choose another folder"
        case let .noCheckpoint(path): "--resume: \(path) has no checkpoint.safetensors"
        case let .cannotCreate(path, reason): "cannot create run folder \(path): \(reason)"
        }
    }
}

/// The files of one run: checkpoint.safetensors (resume state), best.safetensors and
/// model.safetensors (the network alone: best by validation, and final), metrics.jsonl.
public struct RunDirectory: Sendable {
    public let url: URL

    public var checkpoint: URL { url.appendingPathComponent("checkpoint.safetensors") }
    public var best: URL { url.appendingPathComponent("best.safetensors") }
    public var model: URL { url.appendingPathComponent("model.safetensors") }
    public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }

    /// Opens a folder for a new run (refusing one that holds a run unless `force`) or for
    /// resuming (requiring its checkpoint).
    public init(_ url: URL, resume: Bool, force: Bool) throws {
        self.url = url
        let manager = FileManager.default
        let hasRun = [checkpoint, metrics, model].contains { manager.fileExists(atPath: $0.path) }
        if resume {
            guard manager.fileExists(atPath: checkpoint.path) else { throw RunDirectoryError.noCheckpoint(url.path) }
            return
        }
        if hasRun {
            guard force else { throw RunDirectoryError.exists(url.path) }
            for file in [checkpoint, best, model, metrics] { try? manager.removeItem(at: file) }
        }
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw RunDirectoryError.cannotCreate(url.path, error.localizedDescription)
        }
    }

    /// Appends one JSON object as a line (the first line of a run is its provenance record).
    public func appendLine(_ json: String) throws {
        let line = Data((json + "\n").utf8)
        if let handle = try? FileHandle(forWritingTo: metrics) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } else {
            try line.write(to: metrics)
        }
    }

    func appendMetrics(_ metrics: EpochMetrics) throws {
        var object = try Checkpoint.json(metrics)
        object.insert(contentsOf: "\"type\":\"epoch\",", at: object.index(after: object.startIndex))
        try appendLine(object)
    }
}
