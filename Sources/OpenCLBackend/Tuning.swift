#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Launch sizes and tile shapes for every kernel, decided in one place: the rest of the backend
/// asks `tuning` and never hard-codes a size. The tile shape comes from the device's tuning
/// cache when `fer-cl tune` has measured one (TuningCache.swift), else from the table below.
struct Tuning {
    /// Work-group size of 1-D elementwise kernels.
    let elementwise: Int
    /// Work-group size of per-channel reductions (batch norm, bias gradients); a power of two.
    let reduction: Int
    /// Work-group tile of the simple 2-D kernels (conv.cl and gemm.cl fallbacks): (columns, rows).
    let tile2D: (Int, Int)
    /// Row chunks of the column reductions (`column_sum` of bias gradients, batch-norm
    /// partials): work-items are (4 columns, chunk). On a CPU each work-item walks its chunk
    /// alone and four of them share every cache line, so chunks must stay in L2 (conv1's
    /// output in 256 chunks: 150 KB each); 256 took 0.75-0.85x the time of 32 there.
    let columnSumChunks: Int
    /// The register-tiled implicit GEMM of Kernels/conv_tiled.cl (conv and dense).
    let gemm: GemmTuning
    /// Fewest channels on either side of a Winograd convolution: below it the 16-36 products are
    /// thinner than one NR panel or one MR tile and the transforms cost more than they save
    /// (conv1, one input channel, stays on the implicit GEMM).
    let winogradMinChannels = 16

    /// The launch sizes of `device` with the tile shape `gemm` (limited to what the device allows).
    init(device: DeviceInfo, gemm: GemmTuning) {
        let limit = max(1, device.maxWorkGroupSize)
        elementwise = min(64, limit)
        var power = 1
        while power * 2 <= min(128, limit) { power *= 2 }
        reduction = power
        tile2D = limit >= 64 ? (16, 4) : (1, 1)
        columnSumChunks = 256
        self.gemm = gemm.clamped(maxWorkGroupSize: limit)
    }

    /// Work-group shape of a multi-dimensional elementwise launch: up to `elementwise`
    /// work-items, filling the dimensions in order (the first is the contiguous one), so small
    /// dimensions do not leave groups mostly empty.
    func elementwiseGroup(_ global: [Int]) -> [Int] {
        var remaining = elementwise
        return global.map { extent in
            let size = max(1, min(extent, remaining))
            remaining = max(1, remaining / size)
            return size
        }
    }

    /// The tile shape a new backend uses: the caller's row if given, else this device's valid
    /// tuning cache (TuningCache.swift), else the table's row; `FER_CL_GEMM` then overrides
    /// fields on top (measurements). Never throws: an absent or unusable cache means the table.
    static func select(device: DeviceInfo, sources: KernelSources, given: GemmTuning?, cache: TuningCache?) -> (GemmTuning, TuningSource) {
        var (row, source) = cachedOrTable(device: device, sources: sources, given: given, cache: cache)
        if let text = getenv("FER_CL_GEMM") {
            let override = String(cString: text)
            row = row.overridden(by: override)
            source = .overridden(override, on: source.description)
        }
        return (row, source)
    }

    private static func cachedOrTable(device: DeviceInfo, sources: KernelSources, given: GemmTuning?,
                                      cache: TuningCache?) -> (GemmTuning, TuningSource) {
        if let given { return (given, .given) }
        let table = GemmTuning.tableRow(for: device)
        guard let cache else { return (table, .table(reason: "no cache folder ($HOME unset)")) }
        switch cache.lookup(TuningKey(device: device, sources: sources)) {
        case let .valid(record, file): return (record.gemm, .cached(path: file.path))
        case let .missing(file): return (table, .table(reason: "no tuning cache at \(file.path)"))
        case let .invalid(file, reason): return (table, .table(reason: "\(file.path) not used: \(reason)"))
        }
    }
}

/// Where a backend's tile shape came from, for `bench` and `tune` to say.
public enum TuningSource: Sendable, Equatable, CustomStringConvertible {
    case cached(path: String)
    case table(reason: String)
    case given
    case overridden(String, on: String)

    public var description: String {
        switch self {
        case let .cached(path): "cached (\(path))"
        case let .table(reason): "default (\(reason))"
        case .given: "given by the caller"
        case let .overridden(text, base): "FER_CL_GEMM=\(text) over \(base)"
        }
    }
}

/// Tile shapes of Kernels/conv_tiled.cl, and whether 3x3 layers go through Kernels/winograd.cl
/// first. Each work-item owns rows x (16 * vectors) outputs in
/// float16 accumulators: rows * vectors float16 registers, plus the B vectors and a broadcast,
/// must fit the vector register file or the accumulators spill (AVX2: 16 ymm, a float16 is 2;
/// AVX-512: 32 zmm, a float16 is 1).
public struct GemmTuning: Sendable, Hashable, Codable {
    /// Use the tiled kernels at all (false: conv.cl / gemm.cl one-output-per-work-item kernels).
    public var enabled: Bool
    /// Most float16 vectors per tile row (NR = 16 * vectors columns), 1...4.
    public var maxVectors: Int
    /// MR for NV = 1, 2, 3, 4.
    public var rowsByVectors: [Int]
    /// Weight gradient of a layer with fewer input channels than MR (conv1: one channel per tap,
    /// where MR rows would waste MR-1 of every broadcast): MR x NV of that case.
    public var narrowInputRows: Int
    public var narrowVectors: Int
    /// Work-group size along the tile dimension. CPUs: 1 (each work-item is a whole
    /// micro-kernel; POCL's default would put a small grid on one thread). GPUs: a wavefront's
    /// worth of independent tiles.
    public var local: Int
    /// Weight gradient: target pixels per chunk (whole images); the chunk's dy and x then stay
    /// in L2 while consecutive work-items sweep its row tiles, and the chunks' partial gradients are summed.
    public var chunkPixels: Int
    /// Cap on the partial-gradient scratch, in floats (more images per chunk beyond it).
    public var maxPartialFloats: Int
    /// Forward products pack the weights into contiguous column panels even when w could be
    /// read in place (outChannels % NR == 0): long strided B columns thrash the TLB and
    /// prefetchers (measured: fc1 forward 2x, conv4 forward 1.5x slower in place).
    public var packAlways: Bool
    /// Largest output tile M of Winograd F(MxM, 3x3) (Winograd.swift) for 3x3, stride-1,
    /// padding-1 convolutions with at least `winogradMinChannels` channels on both sides: 0
    /// (off), 2, 3 or 4; each layer takes the tile up to it that suits its image size. M = 4
    /// removes 4x of the multiplies, M = 2 2.25x, both for extra memory traffic, so whether it
    /// pays is the device's question (the tuner asks it).
    public var winograd: Int
    /// Floats of one Winograd image chunk's transformed operands (V and M, or V and Yt): 2^21
    /// (8 MiB) keeps them in a CPU's last-level cache between the transform and the product
    /// (measured on the 2-core EPYC: whole-batch operands, 40-110 MB, made the transforms
    /// DRAM-bound, and the step was slower than without Winograd). GPUs take the whole batch.
    public var winogradChunkFloats: Int

    public init(enabled: Bool, maxVectors: Int, rowsByVectors: [Int], narrowInputRows: Int, narrowVectors: Int, local: Int,
                chunkPixels: Int, maxPartialFloats: Int, packAlways: Bool, winograd: Int, winogradChunkFloats: Int) {
        self.enabled = enabled
        self.maxVectors = maxVectors
        self.rowsByVectors = rowsByVectors
        self.narrowInputRows = narrowInputRows
        self.narrowVectors = narrowVectors
        self.local = local
        self.chunkPixels = chunkPixels
        self.maxPartialFloats = maxPartialFloats
        self.packAlways = packAlways
        self.winograd = winograd
        self.winogradChunkFloats = winogradChunkFloats
    }

    /// Rows saved before Winograd existed (checkpoints' provenance, old cache files) have no
    /// Winograd fields: they decode as Winograd off, the behaviour they were measured with,
    /// so a resumed run still computes exactly as the interrupted one.
    public init(from decoder: Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try values.decode(Bool.self, forKey: .enabled)
        maxVectors = try values.decode(Int.self, forKey: .maxVectors)
        rowsByVectors = try values.decode([Int].self, forKey: .rowsByVectors)
        narrowInputRows = try values.decode(Int.self, forKey: .narrowInputRows)
        narrowVectors = try values.decode(Int.self, forKey: .narrowVectors)
        local = try values.decode(Int.self, forKey: .local)
        chunkPixels = try values.decode(Int.self, forKey: .chunkPixels)
        maxPartialFloats = try values.decode(Int.self, forKey: .maxPartialFloats)
        packAlways = try values.decode(Bool.self, forKey: .packAlways)
        winograd = try values.decodeIfPresent(Int.self, forKey: .winograd) ?? 0
        winogradChunkFloats = try values.decodeIfPresent(Int.self, forKey: .winogradChunkFloats) ?? GemmTuning.defaultRow.winogradChunkFloats
    }

    public func rows(forVectors vectors: Int) -> Int { rowsByVectors[max(1, min(vectors, rowsByVectors.count)) - 1] }

    /// What makes a row unusable (empty: usable). Rows read from a cache file are checked with
    /// this before use; the bounds keep a hand-edited file from asking for absurd programs.
    public var problems: [String] {
        var found: [String] = []
        if !(1...4).contains(maxVectors) { found.append("max_vectors \(maxVectors) not in 1...4") }
        if !(1...4).contains(narrowVectors) { found.append("narrow_vectors \(narrowVectors) not in 1...4") }
        if rowsByVectors.count != 4 || !rowsByVectors.allSatisfy({ (1...32).contains($0) }) {
            found.append("rows_by_vectors \(rowsByVectors) is not 4 values in 1...32")
        }
        if !(1...32).contains(narrowInputRows) { found.append("narrow_input_rows \(narrowInputRows) not in 1...32") }
        if !(1...1024).contains(local) { found.append("local \(local) not in 1...1024") }
        if chunkPixels < 1 { found.append("chunk_pixels \(chunkPixels) < 1") }
        if maxPartialFloats < 1 { found.append("max_partial_floats \(maxPartialFloats) < 1") }
        if winogradChunkFloats < 1 { found.append("winograd_chunk_floats \(winogradChunkFloats) < 1") }
        if ![0, 2, 3, 4].contains(winograd) { found.append("winograd \(winograd) not 0, 2, 3 or 4") }
        return found
    }

    /// The row with its work-group size limited to what the device allows.
    func clamped(maxWorkGroupSize: Int) -> GemmTuning {
        precondition(problems.isEmpty, "GemmTuning row: \(problems)")
        var row = self
        row.local = max(1, min(local, maxWorkGroupSize))
        return row
    }

    /// A short name of the fields the tuner varies ("MR 6, NV 1, chunk 576, local 1, winograd up
    /// to F(4x4,3x3)"; "simple").
    public var summary: String {
        guard enabled else { return "simple (one output per work-item)" }
        return "MR \(rows(forVectors: maxVectors)), NV \(maxVectors), chunk \(chunkPixels), local \(local), winograd \(winograd == 0 ? "off" : "up to F(\(winograd)x\(winograd),3x3)")"
    }

    /// Development override from the environment, for measuring rows of the table:
    /// `FER_CL_GEMM=simple` (the one-output-per-work-item kernels, for before/after timing) or
    /// `FER_CL_GEMM=vectors=1,rows=6,narrow=1,narrowvectors=4,local=1,chunk=576,pack=1,winograd=4,winogradchunk=2097152` (any
    /// subset; rows sets MR for every vector count). Unknown keys and bad values are ignored.
    public func overridden(by text: String) -> GemmTuning {
        var row = self
        if text == "simple" {
            row.enabled = false
            return row
        }
        var values: [String: Int] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]), value >= 0 { values[String(parts[0])] = value }
        }
        func positive(_ key: String, _ fallback: Int, most: Int = .max) -> Int { values[key].map { min(most, max(1, $0)) } ?? fallback }
        row.maxVectors = positive("vectors", maxVectors, most: 4)
        if let rows = values["rows"] { row.rowsByVectors = [Int](repeating: min(32, max(1, rows)), count: 4) }
        row.narrowInputRows = positive("narrow", narrowInputRows, most: 32)
        row.narrowVectors = positive("narrowvectors", narrowVectors, most: 4)
        row.local = positive("local", local, most: 1024)
        row.chunkPixels = positive("chunk", chunkPixels)
        if let pack = values["pack"] { row.packAlways = pack != 0 }
        if let winograd = values["winograd"], (0...4).contains(winograd), winograd != 1 { row.winograd = winograd }
        row.winogradChunkFloats = positive("winogradchunk", winogradChunkFloats)
        return row
    }

    /// LLVM CPU names (POCL puts the one it compiles for in the device name,
    /// "pthread-haswell-AMD EPYC") whose targets have 32 zmm registers.
    static let avx512CPUs = ["avx512", "skx", "cascadelake", "cooperlake", "cannonlake", "icelake", "tigerlake",
                             "rocketlake", "sapphirerapids", "graniterapids", "emeraldrapids", "znver4", "znver5", "knl", "knm"]

    /// The table's row for `device`: the safe default when no tuning cache applies.
    public static func tableRow(for device: DeviceInfo) -> GemmTuning { table.first { $0.matches(device) }?.tuning ?? defaultRow }

    /// Per-device rows, first match wins; `defaultRow` otherwise.
    static let table: [(matches: @Sendable (DeviceInfo) -> Bool, tuning: GemmTuning)] = [
        // CPU devices compiled for AVX-512 (32 zmm): 6 x 64 tiles, 24 accumulators (the DESIGN.md
        // probes' shape). Unmeasured on this project's CI kind, whose VM hides AVX-512 (POCL
        // compiles for haswell there).
        ({ device in device.type.contains("CPU") && avx512CPUs.contains { device.name.lowercased().contains($0) } }, avx512Row),
        // Other CPU devices (AVX2, 16 ymm): 6 x 16 tiles, 12 ymm accumulators, no spills.
        // Measured on the 2-core EPYC CI kind (`fer-cl bench`): conv2-conv4 passes 88-135 GFLOP/s.
        ({ $0.type.contains("CPU") }, defaultRow),
        // GPUs: the same kernels, one small tile per work-item, 64 work-items per group, so that
        // enough work-items exist. Unmeasured (no GPU in CI): a starting point.
        ({ $0.isGPU }, gpuRow),
    ]

    public static let avx512Row = GemmTuning(enabled: true, maxVectors: 4, rowsByVectors: [12, 12, 8, 6], narrowInputRows: 1, narrowVectors: 4,
                                             local: 1, chunkPixels: 576, maxPartialFloats: 8 << 20, packAlways: true, winograd: 4,
                                             winogradChunkFloats: 1 << 21)
    public static let gpuRow = GemmTuning(enabled: true, maxVectors: 1, rowsByVectors: [4, 4, 4, 4], narrowInputRows: 1, narrowVectors: 1,
                                          local: 64, chunkPixels: 4096, maxPartialFloats: 32 << 20, packAlways: true, winograd: 4,
                                          winogradChunkFloats: 1 << 30)

    public static let defaultRow = GemmTuning(enabled: true, maxVectors: 1, rowsByVectors: [6, 6, 6, 6], narrowInputRows: 1, narrowVectors: 4,
                                       local: 1, chunkPixels: 576, maxPartialFloats: 8 << 20, packAlways: true, winograd: 4,
                                       winogradChunkFloats: 1 << 21)
}
