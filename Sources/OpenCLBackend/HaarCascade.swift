import FERCore

/// The Haar-cascade scan; Kernels/haar.cl: the stumps prepared for the scale's integral stride,
/// then one work-item per eight neighbouring window positions of a row (`haarLanes`, the
/// kernel's LANES). The tables are trusted here (the reference and `HaarCascade`'s reader check them).
extension OpenCLBackend {
    static let haarLanes = 8
    /// One work-item per work-group: POCL vectorises a larger group across its work-items,
    /// which turns the lanes' loads into gathers (measured on a 640x480 video frame, AVX-512:
    /// 77 ms per frame with 1x1, 97-107 ms with 1x8, 2x1, 4x1, 1x32).
    static let haarGroup = [1, 1]
    /// A prepared stump's ints and floats (the kernel's CORNERS and VALUES).
    static let haarCornersPerStump = 12, haarValuesPerStump = 8

    public func haarCascadeScan(_ g: HaarScanGeometry, integral: Tensor, squaredIntegral: Tensor, features: Tensor,
                                stumps: Tensor, stages: Tensor, result: Tensor) throws {
        let op = Op.haarCascadeScan
        try g.validate(op: op.rawValue)
        let sum = try operand(integral, g.integralCount, .int32, op: op, "integral")
        let squares = try operand(squaredIntegral, g.integralCount, .int32, op: op, "squaredIntegral")
        let rects = try operand(features, g.featureCount * HaarScanGeometry.rectsPerFeature * HaarScanGeometry.valuesPerRect, op: op, "features")
        let stumpTable = try operand(stumps, g.stumpCount * HaarScanGeometry.valuesPerStump, op: op, "stumps")
        let stageTable = try operand(stages, g.stageCount * HaarScanGeometry.valuesPerStage, op: op, "stages")
        let out = try operand(result, g.resultCount, .int32, op: op, "result")
        // The stumps prepared for this scale's stride, in scratch reused by every scan (the queue
        // runs in order, so a scale's preparation waits for the previous scale's scan).
        let corners = KernelArgument.tensor(try scratch("haar stump corners", count: g.stumpCount * Self.haarCornersPerStump))
        let values = KernelArgument.tensor(try scratch("haar stump values", count: g.stumpCount * Self.haarValuesPerStump))
        try launch("haar_prepare_stumps", file: "haar.cl", global: [g.stumpCount], local: [min(64, g.stumpCount)],
                   [rects, stumpTable, corners, values, .int(g.integralWidth), .int(g.stumpCount)])
        let global = [(g.columns + Self.haarLanes - 1) / Self.haarLanes, g.rows]
        try launch("haar_cascade_scan", file: "haar.cl", global: global, local: Self.haarGroup,
                   [sum, squares, corners, values, stageTable, out, .int(g.windowWidth), .int(g.windowHeight),
                    .int(g.integralWidth), .int(g.step), .int(g.stageCount), .int(g.columns), .int(g.rows)])
    }
}
