/// The tile shapes `fer-cl tune` may choose from: a base row (the table's row for the device
/// kind) and a few dimensions, each a short list of values. The search moves one dimension at
/// a time (Tuner.swift), so everything it can pick lies in the product of these lists; the
/// tests run the op checks at the smallest and the largest value of every dimension, Winograd
/// on and off (`extremes`), so no pickable shape is one that was never verified.
public struct TuningSpace: Sendable {
    public struct Dimension: Sendable {
        /// "winograd", "rows", "vectors", "chunk" or "local".
        public let name: String
        /// Searched in this order; the first is not special.
        public let values: [Int]

        public func applied(_ value: Int, to row: GemmTuning) -> GemmTuning {
            var row = row
            switch name {
            // One MR for every vector count: the search varies the shape actually used.
            case "rows": row.rowsByVectors = [Int](repeating: value, count: 4)
            case "vectors": row.maxVectors = value
            case "chunk": row.chunkPixels = value
            case "local": row.local = value
            case "winograd": row.winograd = value
            default: preconditionFailure("unknown tuning dimension \(name)")
            }
            return row
        }

        public func value(of row: GemmTuning) -> Int {
            switch name {
            case "rows": row.rows(forVectors: row.maxVectors)
            case "vectors": row.maxVectors
            case "chunk": row.chunkPixels
            case "local": row.local
            case "winograd": row.winograd
            default: preconditionFailure("unknown tuning dimension \(name)")
            }
        }
    }

    /// "CPU", "CPU (AVX-512)", "GPU".
    public let kind: String
    public let base: GemmTuning
    public let dimensions: [Dimension]

    /// CPUs: one work-item is a whole micro-kernel, so the register budget decides: MR x NV
    /// float16 accumulators must fit the vector registers (DESIGN.md: AVX2 16 ymm, AVX-512 32
    /// zmm), and half or twice the base's vectors brackets it. The chunk of the weight gradient
    /// trades L2 residency of dy/x against more partial sums. Local size stays 1 (POCL would
    /// otherwise put a small grid on one thread).
    public static func cpu(kind: String, base: GemmTuning) -> TuningSpace {
        let v = base.maxVectors
        let vectors = Array(Set([max(1, v / 2), v, min(4, v * 2)])).sorted()
        return TuningSpace(kind: kind, base: base, dimensions: [
            // First: the largest lever (Winograd off, or tiles up to 2 or 4), then the GEMM under it.
            Dimension(name: "winograd", values: [0, 2, 4]),
            Dimension(name: "rows", values: [4, 6, 8]),
            Dimension(name: "vectors", values: vectors),
            Dimension(name: "chunk", values: [288, 576, 1152]),
            Dimension(name: "local", values: [1]),
        ])
    }

    /// GPUs: small tiles, many work-items; the work-group size and MR matter most, chunks are
    /// larger (more parallel work per chunk). Unmeasured here (no GPU in CI).
    public static func gpu(base: GemmTuning) -> TuningSpace {
        TuningSpace(kind: "GPU", base: base, dimensions: [
            Dimension(name: "winograd", values: [0, 2, 4]),
            Dimension(name: "local", values: [16, 32, 64]),
            Dimension(name: "rows", values: [2, 4, 8]),
            Dimension(name: "vectors", values: [1]),
            Dimension(name: "chunk", values: [2048, 4096, 8192]),
        ])
    }

    /// The space searched on `device`, around its table row.
    public static func forDevice(_ device: DeviceInfo) -> TuningSpace {
        let base = GemmTuning.tableRow(for: device)
        if device.isGPU { return gpu(base: base) }
        return cpu(kind: base == GemmTuning.avx512Row ? "CPU (AVX-512)" : "CPU", base: base)
    }

    /// Every space some device kind searches.
    public static let all: [TuningSpace] = [
        cpu(kind: "CPU", base: GemmTuning.defaultRow), cpu(kind: "CPU (AVX-512)", base: GemmTuning.avx512Row), gpu(base: GemmTuning.gpuRow),
    ]

    /// Rows covering the ends of every space: each dimension at the smallest value any space
    /// searches, each at the largest (on the default row's other fields), and the largest with
    /// Winograd off, because Winograd takes the 3x3 layers away from the largest GEMM tiles
    /// that the direct products would otherwise use.
    public static var extremes: [GemmTuning] {
        var names: [String] = []
        for space in all { for dimension in space.dimensions where !names.contains(dimension.name) { names.append(dimension.name) } }
        func row(_ pick: ([Int]) -> Int) -> GemmTuning {
            names.reduce(GemmTuning.defaultRow) { row, name in
                let values = all.flatMap { $0.dimensions.filter { $0.name == name }.flatMap(\.values) }
                return Dimension(name: name, values: values).applied(pick(values), to: row)
            }
        }
        var largestDirect = row { $0.max() ?? 1 }
        largestDirect.winograd = 0
        return [row { $0.min() ?? 1 }, row { $0.max() ?? 1 }, largestDirect]
    }
}
