import FERCore
import Foundation
import OpenCLBackend
import ReferenceBackend

/// `--device` and `--kernels`, shared by every command that runs ops.
enum BackendChoice {
    static let deviceOption = OptionSpec.value("device", "D",
        "OpenCL device: index or case-insensitive name substring (see `fer-cl devices`); `reference` for the pure-Swift backend. Default: first GPU, else first CPU device.")
    static let kernelsOption = OptionSpec.value("kernels", "DIR", "Read kernel sources from DIR instead of the copies built into the binary (development).")
    static let noTuneOption = OptionSpec.flag("no-tune",
        "Do not run `fer-cl tune` automatically when the device has no tuning cache; use the default tile shapes.")

    static func isReference(_ request: String?) -> Bool { request?.lowercased() == "reference" }

    static func kernelSources(_ arguments: ParsedArguments) throws -> KernelSources {
        guard let directory = arguments.string("kernels") else { return .embedded }
        return try KernelSources(directory: URL(fileURLWithPath: directory, isDirectory: true))
    }

    /// - Parameters:
    ///   - profiling: an OpenCL queue that times kernels by their events (`bench`).
    ///   - autoTune: measure and cache a tuning first when the device has none (`train` only:
    ///     the other commands stay deterministic and quick).
    static func make(_ arguments: ParsedArguments, profiling: Bool = false, autoTune: Bool = false) throws -> Backend {
        let request = arguments.string("device")
        if isReference(request) { return ReferenceBackend() }
        let device = try DeviceInfo.select(request)
        let sources = try kernelSources(arguments)
        let tuned = autoTune ? try tuneOnFirstUse(device, sources: sources) : nil
        return try OpenCLBackend(device: device, sources: sources, profiling: profiling, gemm: tuned)
    }

    /// Runs the tuner when `device` has no valid cache. Returns the tuned row only when it
    /// could not be cached (so this run still uses it); nil when the backend should read the
    /// cache (or the defaults) itself.
    private static func tuneOnFirstUse(_ device: DeviceInfo, sources: KernelSources) throws -> GemmTuning? {
        // FER_CL_GEMM overrides any tuning, so measuring one would be wasted.
        guard ProcessInfo.processInfo.environment["FER_CL_GEMM"] == nil, let cache = TuningCache.standard() else { return nil }
        if case .valid = cache.lookup(TuningKey(device: device, sources: sources)) { return nil }
        print("tuning the convolution tile shapes for \(device.name) (first use of this device and driver; `fer-cl tune` re-measures, --no-tune skips)")
        let outcome = try Tuner(device: device, sources: sources).run()
        let record = outcome.record
        let result = String(format: "tuned in %.0f s: %@, %.2fx the default's speed", outcome.seconds, record.gemm.summary, outcome.speedup)
        do {
            let file = try cache.store(record)
            print("\(result); cached in \(file.path)")
            return nil
        } catch {
            printError("fer-cl: warning: \(error); using the tuned shape for this run only")
            print(result)
            return record.gemm
        }
    }
}
