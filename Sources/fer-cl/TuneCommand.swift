import Foundation
import OpenCLBackend

struct TuneCommand: Command {
    static let name = "tune"
    static let summary = "Measure the fastest tile shapes of the convolution kernels on a device and cache them."
    static let usage = "[--device D] [--force] [--json] [--quick] [--kernels DIR]"
    static let options: [OptionSpec] = [
        BackendChoice.deviceOption,
        .flag("force", "Measure again even when a valid cache exists for this device (and replace it)."),
        .flag("json", "Write the result as JSON to standard output instead of text."),
        .flag("quick", "Time only two candidates on one small layer (seconds; for smoke tests, not a real tuning)."),
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        Times the seed network's heavy products (conv2-conv4 forward, backward-data and \
        backward-weights, fc1 forward and backward; batch 64; device time from profiling events, \
        median of 3) with candidate tile shapes of the register-tiled kernels (rows per tile MR, \
        float16 vectors per row NV, weight-gradient chunk, work-group size), one dimension at a time \
        from the table's default, and keeps the fastest. Takes about a minute on a 2-core CPU. The \
        choice is cached per device, driver and kernel version in $FER_CL_TUNING_CACHE, else \
        $XDG_CACHE_HOME/fer-cl/tuning, else ~/.cache/fer-cl/tuning; every OpenCL command then uses \
        it (`fer-cl bench` says which tuning is in use), and `fer-cl train` runs this once by itself \
        when no cache exists. Delete the file to go back to the defaults; FER_CL_GEMM overrides both.
        """

    let arguments: ParsedArguments
    let json: Bool

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        json = arguments.flag("json")
        if BackendChoice.isReference(arguments.string("device")) {
            throw UsageError(message: "the reference backend has no tile shapes to tune; choose an OpenCL device (see `fer-cl devices`)",
                             command: Self.name)
        }
    }

    struct Report: Encodable {
        let device: String
        let status: String        // "cached" (nothing measured) or "tuned"
        let file: String
        let replaced: String?     // why an existing file was not used
        let seconds: Double?
        let speedup: Double
        let record: TuningRecord
    }

    func run() throws -> Int32 {
        let device = try DeviceInfo.select(arguments.string("device"))
        let sources = try BackendChoice.kernelSources(arguments)
        guard let cache = TuningCache.standard() else { throw TuningCacheError.noFolder }
        let lookup = cache.lookup(TuningKey(device: device, sources: sources))
        var replaced: String?
        switch lookup {
        case let .valid(record, file) where !arguments.flag("force") && (!record.isQuick || arguments.flag("quick")):
            let speedup = record.defaultMilliseconds / max(record.chosenMilliseconds, 1e-9)
            if json {
                try emit(Report(device: device.name, status: "cached", file: file.path, replaced: nil, seconds: nil, speedup: speedup, record: record))
            } else {
                print("fer-cl tune: \(device.name) is already tuned: cached in \(file.path)")
                print(String(format: "  chosen %@; default %.1f ms, chosen %.1f ms (%.2fx), measured %@ (fer-cl %@)",
                             record.gemm.summary, record.defaultMilliseconds, record.chosenMilliseconds, speedup, record.date, record.ferClCommit))
                print("  --force measures again; deleting the file returns to the default tile shapes.")
            }
            return 0
        case let .valid(record, _):
            replaced = record.isQuick && !arguments.flag("force") ? "a --quick smoke record, not a tuning" : "--force"
        case .missing:
            break
        case let .invalid(file, reason):
            replaced = reason
            printError("fer-cl tune: the cache \(file.path) is not used (\(reason)); measuring again to replace it")
        }

        let space = TuningSpace.forDevice(device)
        var tuner = Tuner(device: device, sources: sources)
        tuner.quick = arguments.flag("quick")
        if !json {
            print("fer-cl tune: \(device.name) (\(device.driverVersion)), \(space.kind) space around the default \(space.base.summary)")
            print(tuner.quick ? "quick search: two candidates on conv4 at batch 8 (a smoke test, not a tuning)"
                              : "timing conv2-conv4 forward/backward-data/backward-weights and fc1 at batch 64, median of \(tuner.repetitions)")
        }
        if let override = ProcessInfo.processInfo.environment["FER_CL_GEMM"] {
            printError("fer-cl tune: note: FER_CL_GEMM=\(override) is set; it is ignored while tuning but overrides the cached tuning in every run")
        }
        let outcome = try tuner.run { m in
            guard !json else { return }
            print("  \(m.step.padding(toLength: 8, withPad: " ", startingAt: 0)) \(m.gemm.summary.padding(toLength: 36, withPad: " ", startingAt: 0))"
                  + String(format: "%8.1f ms", m.milliseconds))
        }
        let file = try cache.store(outcome.record)
        let record = outcome.record
        if json {
            try emit(Report(device: device.name, status: "tuned", file: file.path, replaced: replaced, seconds: outcome.seconds,
                            speedup: outcome.speedup, record: record))
        } else {
            print(String(format: "chosen: %@ (default %@): %.1f ms vs %.1f ms, %.2fx; search took %.0f s",
                         record.gemm.summary, space.base.summary, record.chosenMilliseconds, record.defaultMilliseconds,
                         outcome.speedup, outcome.seconds))
            print("cache written to \(file.path)")
        }
        return 0
    }

    private func emit(_ report: Report) throws {
        FileHandle.standardOutput.write(try TuningCache.encoder.encode(report))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
