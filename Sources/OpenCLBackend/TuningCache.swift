import Foundation

/// What a tuning was measured on. A cached tile shape is only used when every field matches:
/// another driver or compiler version, another target, or changed tiled kernels may make a
/// different shape fastest (or the old one slow), so any change means the table's default
/// until `fer-cl tune` measures again.
public struct TuningKey: Codable, Hashable, Sendable {
    public var platform: String
    public var device: String
    public var driverVersion: String
    public var deviceVersion: String
    /// FNV-1a 64 of the tuned kernels as built (`tunedKernelFiles`, includes expanded), hex.
    public var kernelHash: String

    /// The kernel files whose speed the tuning measures.
    static let tunedKernelFiles = ["conv_tiled.cl", "winograd.cl"]

    public init(platform: String, device: String, driverVersion: String, deviceVersion: String, kernelHash: String) {
        self.platform = platform
        self.device = device
        self.driverVersion = driverVersion
        self.deviceVersion = deviceVersion
        self.kernelHash = kernelHash
    }

    public init(device: DeviceInfo, sources: KernelSources) {
        // A missing file hashes as empty text: the backend fails on its first convolution
        // anyway, with the error that names the file.
        let text = Self.tunedKernelFiles.map { (try? sources.program($0)) ?? "" }.joined(separator: "\u{0}")
        self.init(platform: device.platformName, device: device.name, driverVersion: device.driverVersion,
                  deviceVersion: device.version, kernelHash: fnv1a64Hex(text))
    }

    /// The cache file's name: one file per device (platform + device name), so re-tuning after
    /// a driver update replaces the old record instead of piling up files.
    var fileName: String {
        let readable = device.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(readable.prefix(48)) + "-" + String(fnv1a64Hex(platform + "\u{0}" + device).prefix(8)) + ".json"
    }
}

/// One device's tuning as `fer-cl tune` measured it.
public struct TuningRecord: Codable, Equatable, Sendable {
    /// Format of this file; another number is ignored (and replaced by the next `tune`).
    public var format: Int
    public var key: TuningKey
    /// The chosen tile shape.
    public var gemm: GemmTuning
    /// Device time of the timed workload with the table's default and with `gemm`, same run, interleaved.
    public var defaultMilliseconds: Double
    public var chosenMilliseconds: Double
    /// Every candidate measured, in search order.
    public var candidates: [TunerMeasurement]
    /// What was timed ("conv2-conv4 forward, backward-data, backward-weights + fc1, batch 64, median of 3").
    public var workload: String
    public var date: String
    public var ferClCommit: String

    public static let currentFormat = 1
    /// Workloads of `fer-cl tune --quick` start with this: a smoke test, not a tuning, so
    /// `train` and a plain `tune` measure again instead of trusting it.
    public static let quickPrefix = "quick smoke test: "
    public var isQuick: Bool { workload.hasPrefix(Self.quickPrefix) }

    public init(key: TuningKey, gemm: GemmTuning, defaultMilliseconds: Double, chosenMilliseconds: Double,
                candidates: [TunerMeasurement], workload: String, date: Date = Date(), ferClCommit: String = BuildInfo.commit) {
        format = Self.currentFormat
        self.key = key
        self.gemm = gemm
        self.defaultMilliseconds = defaultMilliseconds
        self.chosenMilliseconds = chosenMilliseconds
        self.candidates = candidates
        self.workload = workload
        self.date = ISO8601DateFormatter().string(from: date)
        self.ferClCommit = ferClCommit
    }
}

/// One timed candidate of a tuning search.
public struct TunerMeasurement: Codable, Equatable, Sendable {
    /// Which dimension was being searched ("default", "rows", "vectors", "chunk", "local", "final").
    public var step: String
    public var gemm: GemmTuning
    /// Median device time of the workload, milliseconds.
    public var milliseconds: Double

    public init(step: String, gemm: GemmTuning, milliseconds: Double) {
        self.step = step
        self.gemm = gemm
        self.milliseconds = milliseconds
    }
}

/// What the cache holds for a device.
public enum TuningLookup: Sendable {
    case valid(TuningRecord, file: URL)
    case missing(file: URL)
    /// Unreadable, corrupt, another format or measured on something else: the reason says which.
    case invalid(file: URL, reason: String)

    public var file: URL {
        switch self {
        case let .valid(_, file), let .missing(file), let .invalid(file, _): file
        }
    }
}

public enum TuningCacheError: Error, CustomStringConvertible {
    case write(path: String, reason: String)
    case noFolder

    public var description: String {
        switch self {
        case let .write(path, reason):
            "cannot write the tuning cache \(path): \(reason); set FER_CL_TUNING_CACHE=DIR to a writable folder"
        case .noFolder:
            "no folder for the tuning cache: $HOME and $XDG_CACHE_HOME are unset; set FER_CL_TUNING_CACHE=DIR"
        }
    }
}

/// The per-user folder of tuning records, one JSON file per device:
/// $FER_CL_TUNING_CACHE, else $XDG_CACHE_HOME/fer-cl/tuning, else ~/.cache/fer-cl/tuning.
/// Reading never throws (a bad file is reported as `.invalid` and the table's default is
/// used); writing is atomic (temporary file, then rename), so a killed `tune` leaves the old
/// record or the new one, never half of one.
public struct TuningCache: Sendable {
    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> TuningCache? {
        if let path = environment["FER_CL_TUNING_CACHE"], !path.isEmpty { return TuningCache(folder: URL(fileURLWithPath: path, isDirectory: true)) }
        if let path = environment["XDG_CACHE_HOME"], !path.isEmpty {
            return TuningCache(folder: URL(fileURLWithPath: path, isDirectory: true).appendingPathComponent("fer-cl/tuning", isDirectory: true))
        }
        if let path = environment["HOME"], !path.isEmpty {
            return TuningCache(folder: URL(fileURLWithPath: path, isDirectory: true).appendingPathComponent(".cache/fer-cl/tuning", isDirectory: true))
        }
        return nil
    }

    public func file(for key: TuningKey) -> URL { folder.appendingPathComponent(key.fileName) }

    public func lookup(_ key: TuningKey) -> TuningLookup {
        let file = file(for: key)
        guard FileManager.default.fileExists(atPath: file.path) else { return .missing(file: file) }
        let record: TuningRecord
        do {
            record = try Self.decoder.decode(TuningRecord.self, from: Data(contentsOf: file))
        } catch {
            return .invalid(file: file, reason: "unreadable or corrupt (\(Self.brief(error)))")
        }
        if record.format != TuningRecord.currentFormat {
            return .invalid(file: file, reason: "format \(record.format), expected \(TuningRecord.currentFormat)")
        }
        if record.key != key { return .invalid(file: file, reason: "measured with \(Self.difference(record.key, key))") }
        if let problem = record.gemm.problems.first { return .invalid(file: file, reason: "bad tile shape: \(problem)") }
        return .valid(record, file: file)
    }

    /// Writes `record` as its device's file; returns the path.
    @discardableResult
    public func store(_ record: TuningRecord) throws -> URL {
        let file = file(for: record.key)
        let temporary = folder.appendingPathComponent(".\(record.key.fileName).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.encoder.encode(record).write(to: temporary)
            // rename(2) replaces the old file in one step (Foundation's replaceItem may copy).
            guard rename(temporary.path, file.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw TuningCacheError.write(path: file.path, reason: reason)
            }
        } catch let error as TuningCacheError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw TuningCacheError.write(path: file.path, reason: Self.brief(error))
        }
        return file
    }

    /// The cache files' JSON style (snake_case keys, sorted, indented); `tune --json` uses it too.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    private static func brief(_ error: Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case let .dataCorrupted(context), let .keyNotFound(_, context), let .typeMismatch(_, context), let .valueNotFound(_, context):
                return context.debugDescription
            @unknown default: return "\(decoding)"
            }
        }
        return (error as NSError).localizedDescription
    }

    private static func difference(_ stored: TuningKey, _ current: TuningKey) -> String {
        var parts: [String] = []
        if stored.platform != current.platform { parts.append("platform '\(stored.platform)' (now '\(current.platform)')") }
        if stored.device != current.device { parts.append("device '\(stored.device)' (now '\(current.device)')") }
        if stored.driverVersion != current.driverVersion { parts.append("driver '\(stored.driverVersion)' (now '\(current.driverVersion)')") }
        if stored.deviceVersion != current.deviceVersion { parts.append("device version '\(stored.deviceVersion)' (now '\(current.deviceVersion)')") }
        if stored.kernelHash != current.kernelHash { parts.append("other tuned kernels (hash \(stored.kernelHash), now \(current.kernelHash))") }
        return parts.joined(separator: ", ")
    }
}

/// FNV-1a, 64 bits, as 16 hex digits: stable across runs and machines (Swift's `Hasher` is
/// seeded per process, so it cannot name a file).
func fnv1a64Hex(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
