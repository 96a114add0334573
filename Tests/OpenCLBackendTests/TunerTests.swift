import FERCore
import Foundation
import OpenCLBackend
import ReferenceBackend
import Testing
import Verification

/// Whatever `fer-cl tune` picks must compute the same products: the conv and dense ops at the
/// ends of every tuning space (and the non-tiled fallback) against the reference; and the
/// cache must never make a run fail.
@Suite(.serialized) struct TunerTests {
    /// The fallback kernels (conv.cl, gemm.cl): what `FER_CL_GEMM=simple` selects.
    static var simple: GemmTuning {
        var row = GemmTuning.defaultRow
        row.enabled = false
        return row
    }

    /// Four compile configurations in all (cold POCL caches in CI pay for each).
    static let configurations = TuningSpace.extremes + [simple]

    @Test func extremesBracketEverySpace() {
        let extremes = TuningSpace.extremes
        #expect(extremes.count == 3)
        #expect(extremes[1].winograd > 0 && extremes[2].winograd == 0)
        for space in TuningSpace.all {
            for dimension in space.dimensions {
                let low = dimension.value(of: extremes[0]), high = dimension.value(of: extremes[1])
                #expect(dimension.values.allSatisfy { low <= $0 && $0 <= high }, "\(space.kind) \(dimension.name) within \(low)...\(high)")
                #expect(dimension.values.contains(dimension.value(of: space.base)) || dimension.values.count == 1,
                        "\(space.kind) \(dimension.name) searches the base's value")
            }
        }
        #expect(extremes.allSatisfy { $0.problems.isEmpty })
    }

    @Test(arguments: configurations)
    func productsMatchTheReference(_ row: GemmTuning) throws {
        let backend = try OpenCLBackend(deviceRequest: nil, gemm: row)
        if ProcessInfo.processInfo.environment["FER_CL_GEMM"] == nil {
            #expect(backend.gemmTuning == row)
            #expect(backend.tuningSource == .given)
        }
        // Beyond OpChecks' odd shapes: 12x12 images with 64 output channels reach NV 4 tiles
        // (Winograd's products, or with Winograd off the direct ones) and, at 288-pixel chunks,
        // a direct weight gradient summed from two chunks; 64 dense outputs reach the tiled
        // dense weight gradient.
        var checks = OpChecks(reference: ReferenceBackend(), candidate: backend,
                              extraConvGeometries: [Conv2dGeometry(batch: 4, height: 12, width: 12, inChannels: 16, outChannels: 64)],
                              extraDenseGeometries: [DenseGeometry(batch: 9, inFeatures: 40, outFeatures: 64)])
        for op in [Op.conv2dForward, .conv2dBackwardData, .conv2dBackwardWeights, .denseForward, .denseBackward] {
            let comparisons = try checks.run(op)
            #expect(!comparisons.isEmpty)
            for comparison in comparisons {
                #expect(comparison.passed, "\(row.summary): \(comparison.name): error \(comparison.error) > \(comparison.tolerance)")
            }
        }
    }

    // MARK: the cache

    static func temporaryCache() -> TuningCache {
        TuningCache(folder: FileManager.default.temporaryDirectory.appendingPathComponent("fer-cl-tuning-\(UUID().uuidString)"))
    }

    static func record(_ key: TuningKey, _ gemm: GemmTuning = GemmTuning.defaultRow) -> TuningRecord {
        TuningRecord(key: key, gemm: gemm, defaultMilliseconds: 876.5, chosenMilliseconds: 812.25,
                     candidates: [TunerMeasurement(step: "rows", gemm: gemm, milliseconds: 812.25)], workload: "test")
    }

    static let fakeKey = TuningKey(platform: "Test Platform", device: "test device", driverVersion: "1.0",
                                   deviceVersion: "OpenCL 3.0 test", kernelHash: "0123456789abcdef")

    /// Tile shapes saved before Winograd (a checkpoint's provenance, an old cache) read back as
    /// Winograd off, the arithmetic they were measured and trained with.
    @Test func rowsWithoutWinogradFieldsReadAsWinogradOff() throws {
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(GemmTuning.defaultRow)) as? [String: Any] ?? [:]
        old["winograd"] = nil
        old["winogradChunkFloats"] = nil
        #expect(old.count == 9)
        let read = try JSONDecoder().decode(GemmTuning.self, from: JSONSerialization.data(withJSONObject: old))
        var expected = GemmTuning.defaultRow
        expected.winograd = 0
        #expect(read == expected)
    }

    @Test func recordsRoundTrip() throws {
        let cache = Self.temporaryCache()
        var row = GemmTuning.defaultRow
        row.rowsByVectors = [4, 4, 4, 4]
        let written = Self.record(Self.fakeKey, row)
        let file = try cache.store(written)
        #expect(file == cache.file(for: Self.fakeKey))
        guard case let .valid(read, readFile) = cache.lookup(Self.fakeKey) else {
            Issue.record("expected a valid record, got \(cache.lookup(Self.fakeKey))")
            return
        }
        #expect(read == written)
        #expect(readFile == file)
        // Atomic write: no temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.folder.path) == [file.lastPathComponent])
    }

    @Test func corruptForeignOrBadFilesAreIgnoredWithAReason() throws {
        let cache = Self.temporaryCache()
        #expect({ if case .missing = cache.lookup(Self.fakeKey) { true } else { false } }())
        try cache.store(Self.record(Self.fakeKey))
        let file = cache.file(for: Self.fakeKey)
        var otherDriver = Self.fakeKey
        otherDriver.driverVersion = "2.0"
        #expect(reason(cache.lookup(otherDriver))?.contains("driver '1.0' (now '2.0')") == true)
        var otherKernels = Self.fakeKey
        otherKernels.kernelHash = "fedcba9876543210"
        #expect(reason(cache.lookup(otherKernels))?.contains("other tuned kernels") == true)

        var bad = GemmTuning.defaultRow
        bad.rowsByVectors = [6, 6]
        try cache.store(Self.record(Self.fakeKey, bad))
        #expect(reason(cache.lookup(Self.fakeKey))?.contains("rows_by_vectors") == true)

        for garbage in ["", "{", "not json at all", "{\"format\": 1}", "[1, 2, 3]"] {
            try Data(garbage.utf8).write(to: file)
            #expect(reason(cache.lookup(Self.fakeKey))?.contains("corrupt") == true, "'\(garbage)'")
        }
        var future = Self.record(Self.fakeKey)
        future.format = 99
        try cache.store(future)
        #expect(reason(cache.lookup(Self.fakeKey))?.contains("format 99") == true)
    }

    func reason(_ lookup: TuningLookup) -> String? {
        if case let .invalid(_, reason) = lookup { return reason }
        return nil
    }

    /// The backend reads the cache of its device: a valid record is used; a corrupt one or one
    /// from another driver means the table's row, and no error.
    @Test func backendUsesAValidCacheAndFallsBackOtherwise() throws {
        guard ProcessInfo.processInfo.environment["FER_CL_GEMM"] == nil else { return }
        let device = try DeviceInfo.select(nil)
        let cache = Self.temporaryCache()
        let key = TuningKey(device: device, sources: .embedded)
        let table = GemmTuning.tableRow(for: device)

        let absent = try OpenCLBackend(device: device, tuningCache: cache)
        #expect(absent.gemmTuning == table)
        #expect(absent.tuningSource.description.hasPrefix("default (no tuning cache at"))

        // A distinguishable row that compiles the same programs as the default.
        var tuned = table
        tuned.maxPartialFloats = 4 << 20
        let file = try cache.store(Self.record(key, tuned))
        let cached = try OpenCLBackend(device: device, tuningCache: cache)
        #expect(cached.gemmTuning == tuned)
        #expect(cached.tuningSource == .cached(path: file.path))

        var otherDriver = key
        otherDriver.driverVersion += " (another build)"
        try cache.store(Self.record(otherDriver, tuned))
        let foreign = try OpenCLBackend(device: device, tuningCache: cache)
        #expect(foreign.gemmTuning == table)
        #expect(foreign.tuningSource.description.contains("not used: measured with driver"))

        try Data("{ truncated".utf8).write(to: file)
        let corrupt = try OpenCLBackend(device: device, tuningCache: cache)
        #expect(corrupt.gemmTuning == table)
        #expect(corrupt.tuningSource.description.contains("corrupt"))
    }
}
