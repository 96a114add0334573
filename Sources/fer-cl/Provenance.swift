import FERCore
import Foundation
import OpenCLBackend

/// Where a model came from: fer-cl's version and commit, the device and driver, the command line.
enum Provenance {
    static let version = "0.3.2"
    static let tileShapeKey = "tile_shape"

    /// - Parameter resuming: the checkpoint's metadata when a run is resumed: the record keeps
    ///   the command that started the run and when, and adds the resuming command.
    static func describe(backend: Backend, arguments: [String], resuming: [String: String]? = nil) -> [String: String] {
        let now = ISO8601DateFormatter().string(from: Date())
        var record = ["fer_cl_version": version, "fer_cl_commit": BuildInfo.commit, "device": backend.name,
                      "command": arguments.joined(separator: " "), "created": now]
        if let resuming {
            record["command"] = resuming["command"] ?? record["command"]
            record["created"] = resuming["created"] ?? now
            record["resume_command"] = arguments.joined(separator: " ")
            record["resumed"] = now
        }
        if let opencl = backend as? OpenCLBackend {
            record["driver"] = "\(opencl.device.platformName) \(opencl.device.driverVersion)"
            // The tile shape decides how partial sums are grouped, so a resumed run reuses it.
            if let shape = try? JSONEncoder().encode(opencl.gemmTuning) { record[tileShapeKey] = String(decoding: shape, as: UTF8.self) }
        } else {
            record["driver"] = "pure-Swift reference"
        }
        return record
    }
}
