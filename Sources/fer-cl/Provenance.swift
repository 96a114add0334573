import FERCore
import Foundation
import OpenCLBackend

/// Where a model came from: fer-cl's version and commit, the device and driver, the command line.
enum Provenance {
    static let version = "0.1.0"
    static let tileShapeKey = "tile_shape"

    static func describe(backend: Backend, arguments: [String]) -> [String: String] {
        var record = ["fer_cl_version": version, "fer_cl_commit": BuildInfo.commit, "device": backend.name,
                      "command": arguments.joined(separator: " "), "created": ISO8601DateFormatter().string(from: Date())]
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
