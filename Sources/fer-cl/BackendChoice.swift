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
    ///   - runsLoadedModel: the command only runs a model it loaded (evaluate, predict, serve,
    ///     report), so each layer's prepared weights are kept (OpenCLBackend/PreparedWeights.swift).
    static func make(_ arguments: ParsedArguments, profiling: Bool = false, runsLoadedModel: Bool = false) throws -> Backend {
        let request = arguments.string("device")
        if isReference(request) { return ReferenceBackend() }
        return try OpenCLBackend(deviceRequest: request, sources: kernelSources(arguments), profiling: profiling,
                                 keepsPreparedWeights: runsLoadedModel)
    }

    /// `train`'s automatic tuning: when the OpenCL device of `backend` has no valid tuning
    /// cache, runs the tuner once, caches the result and switches `backend` to it. Only
    /// `train` does this; the other commands stay deterministic and quick.
    /// A failed search (a candidate that does not build or run on this device) is a warning:
    /// training goes on with the table's shape.
    static func tuneOnFirstUse(_ backend: Backend, _ arguments: ParsedArguments) {
        // FER_CL_GEMM overrides any tuning, so measuring one would be wasted.
        guard let backend = backend as? OpenCLBackend, ProcessInfo.processInfo.environment["FER_CL_GEMM"] == nil,
              let cache = TuningCache.standard(), let sources = try? kernelSources(arguments) else { return }
        if case let .valid(record, _) = cache.lookup(TuningKey(device: backend.device, sources: sources)), !record.isQuick { return }
        printError("tuning the convolution tile shapes for \(backend.device.name) (first use of this device and driver; "
              + "`fer-cl tune` re-measures, --no-tune skips)")
        let outcome: Tuner.Outcome
        defer { releaseFreedMemory() }
        do {
            outcome = try Tuner(device: backend.device, sources: sources).run()
        } catch {
            printError("fer-cl: warning: tuning failed (\(error)); training with the default tile shapes (\(backend.gemmTuning.summary))")
            return
        }
        let record = outcome.record
        let result = String(format: "tuned in %.0f s: %@, %.2fx the default's speed", outcome.seconds, record.gemm.summary, outcome.speedup)
        do {
            let file = try cache.store(record)
            backend.adoptTuning(record.gemm, source: .cached(path: file.path))
            printError("\(result); cached in \(file.path)")
        } catch {
            printError("fer-cl: warning: \(error); using the tuned shape for this run only")
            backend.adoptTuning(record.gemm, source: .given)
            printError(result)
        }
    }
}
