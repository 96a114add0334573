import Foundation

public enum RunLogError: Error, CustomStringConvertible {
    case unreadable(String, String)
    case empty(String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case let .empty(path): "\(path) holds no provenance or epoch records (is it a fer-cl run's metrics.jsonl?)"
        }
    }
}

/// One epoch's record of metrics.jsonl; every number but the epoch may be missing.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double?
    public var trainAccuracy: Double?
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Double?
    public var imagesPerSecond: Double?
    public var seconds: Double?
}

/// A run's metrics.jsonl, read leniently: every version fer-cl has written must keep loading.
/// The first form kept nested values (training options, tile shape) as JSON inside strings;
/// later ones write them as nested objects under a "schema" version. Both are flattened here
/// to "key: value" text for display, and records or fields this reader does not know are skipped.
public struct RunLog: Sendable {
    /// A label for the run (its folder's name).
    public let name: String
    /// Provenance fields (command, commit, device, driver, created, ...) as display text.
    public var provenance: [String: String] = [:]
    /// The training options as display text, e.g. "lr" -> "0.001".
    public var options: [String: String] = [:]
    /// Epoch records in epoch order; a repeated epoch (a resumed run) keeps its last record.
    public var epochs: [EpochRecord] = []
    /// One line per `--resume` of the run (schema 2's "resume" records).
    public var resumes: [String] = []
    /// Lines that were not JSON objects (a line cut short by a killed run, say).
    public var skippedLines = 0

    public init(name: String, jsonLines text: String) {
        self.name = name
        var byEpoch: [Int: EpochRecord] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                skippedLines += 1
                continue
            }
            let type = object["type"] as? String
            if type == "epoch" || (type == nil && object["epoch"] != nil && object["train_loss"] != nil) {
                if let record = Self.epochRecord(object) { byEpoch[record.epoch] = record }
            } else if type == "run" || type == nil {
                absorbProvenance(object)
            } else if type == "resume" {
                let at = [Self.number(object["epoch"]).map { "epoch \(Int($0) + 1)" }, Self.number(object["batch_in_epoch"]).map { "batch \(Int($0) + 1)" }]
                    .compactMap { $0 }.joined(separator: ", ")
                resumes.append([object["created"] as? String, at.isEmpty ? nil : "at " + at, object["command"] as? String]
                    .compactMap { $0 }.joined(separator: " "))
            }
        }
        epochs = byEpoch.keys.sorted().map { byEpoch[$0]! }
    }

    /// Reads `RUN/metrics.jsonl` (or a metrics file given directly).
    public init(contentsOf url: URL) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        let file = isFolder.boolValue ? url.appendingPathComponent("metrics.jsonl") : url
        guard exists else { throw RunLogError.unreadable(url.path, "no such file or folder") }
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw RunLogError.unreadable(file.path, FileManager.default.fileExists(atPath: file.path) ? "not UTF-8 text" : "no metrics.jsonl (not a fer-cl run folder?)")
        }
        let name = isFolder.boolValue ? url.standardizedFileURL.lastPathComponent : url.deletingLastPathComponent().standardizedFileURL.lastPathComponent
        self.init(name: name, jsonLines: text)
        if provenance.isEmpty && epochs.isEmpty { throw RunLogError.empty(file.path) }
    }

    private mutating func absorbProvenance(_ object: [String: Any]) {
        for (key, value) in object where key != "type" {
            if key == "training_options" || key == "options" {
                for (name, option) in Self.nestedObject(value) ?? [:] { options[name] = Self.displayText(option) }
            } else {
                provenance[key] = Self.displayText(Self.nestedObject(value) ?? value)
            }
        }
    }

    /// A nested object, whether written as an object or as JSON text inside a string.
    static func nestedObject(_ value: Any) -> [String: Any]? {
        if let object = value as? [String: Any] { return object }
        if let text = value as? String, text.hasPrefix("{"),
           let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] {
            return object
        }
        return nil
    }

    static func displayText(_ value: Any) -> String {
        switch value {
        case let text as String: return text
        case let number as NSNumber:
            if isBoolean(number) { return number.boolValue ? "true" : "false" }
            return "\(number)"
        case let object as [String: Any]:
            return object.keys.sorted().map { "\($0): \(displayText(object[$0]!))" }.joined(separator: ", ")
        case let array as [Any]: return "[" + array.map(displayText).joined(separator: ", ") + "]"
        case is NSNull: return "null"
        default: return "\(value)"
        }
    }

    /// JSON's true and false arrive as NSNumbers of type char ("c"); JSON numbers never do.
    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    /// A number, also as fer-cl writes non-finite values ("nan", "inf") and as numeric text.
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber where !isBoolean(number): return number.doubleValue
        case let text as String: return Double(text) ?? (text == "nan" ? .nan : text == "inf" ? .infinity : text == "-inf" ? -.infinity : nil)
        default: return nil
        }
    }

    static func epochRecord(_ object: [String: Any]) -> EpochRecord? {
        guard let epoch = number(object["epoch"]), epoch.isFinite, epoch >= 0, epoch < 1e9 else { return nil }
        return EpochRecord(epoch: Int(epoch), trainLoss: number(object["train_loss"]), trainAccuracy: number(object["train_accuracy"]),
                           validationLoss: number(object["val_loss"]), validationAccuracy: number(object["val_accuracy"]),
                           learningRate: number(object["lr"] ?? object["learning_rate"]),
                           imagesPerSecond: number(object["images_per_s"]), seconds: number(object["seconds"]))
    }
}
