import FERCore
import Foundation
import OpenCLBackend
import ReferenceBackend

/// `--device` and `--kernels`, shared by every command that runs ops.
enum BackendChoice {
    static let deviceOption = OptionSpec.value("device", "D",
        "OpenCL device: index or case-insensitive name substring (see `fer-cl devices`); `reference` for the pure-Swift backend. Default: first GPU, else first CPU device.")
    static let kernelsOption = OptionSpec.value("kernels", "DIR", "Read kernel sources from DIR instead of the copies built into the binary (development).")

    static func isReference(_ request: String?) -> Bool { request?.lowercased() == "reference" }

    static func kernelSources(_ arguments: ParsedArguments) throws -> KernelSources {
        guard let directory = arguments.string("kernels") else { return .embedded }
        return try KernelSources(directory: URL(fileURLWithPath: directory, isDirectory: true))
    }

    /// - Parameter profiling: an OpenCL queue that times kernels by their events (`bench`).
    static func make(_ arguments: ParsedArguments, profiling: Bool = false) throws -> Backend {
        let request = arguments.string("device")
        if isReference(request) { return ReferenceBackend() }
        return try OpenCLBackend(deviceRequest: request, sources: kernelSources(arguments), profiling: profiling)
    }
}
