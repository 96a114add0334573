import FERCore

/// The Haar-cascade scan; Kernels/haar.cl, one work-item per window position. The tables
/// are trusted here (the reference and `HaarCascade`'s reader check them).
extension OpenCLBackend {
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
        let global = [g.columns, g.rows]
        try launch("haar_cascade_scan", file: "haar.cl", global: global, local: tuning.elementwiseGroup(global),
                   [sum, squares, rects, stumpTable, stageTable, out, .int(g.windowWidth), .int(g.windowHeight),
                    .int(g.integralWidth), .int(g.step), .int(g.stageCount), .int(g.columns), .int(g.rows)])
    }
}
