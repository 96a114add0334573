import FERCore

/// The Haar-cascade window scan, written after OpenCV's `HaarEvaluator::setWindow`,
/// `OptFeature::calc` and `predictOrderedStump`, including their number types, so that the
/// decisions are OpenCV's (see `HaarScanGeometry`).
extension ReferenceBackend {
    public func haarCascadeScan(_ g: HaarScanGeometry, integral: Tensor, squaredIntegral: Tensor, features: Tensor,
                                stumps: Tensor, stages: Tensor, result: Tensor) throws {
        let op = Op.haarCascadeScan
        try g.validate(op: op.rawValue)
        let sum = try int32s(integral, g.integralCount, op: op, "integral")
        let squares = try int32s(squaredIntegral, g.integralCount, op: op, "squaredIntegral")
        let featureCount = g.featureCount * HaarScanGeometry.rectsPerFeature * HaarScanGeometry.valuesPerRect
        let rects = try floats(features, featureCount, op: op, "features")
        let stumpValues = try floats(stumps, g.stumpCount * HaarScanGeometry.valuesPerStump, op: op, "stumps")
        let stageValues = try floats(stages, g.stageCount * HaarScanGeometry.valuesPerStage, op: op, "stages")
        let out = try int32s(result, g.resultCount, op: op, "result")
        try validateTables(g, rects: rects, stumps: stumpValues, stages: stageValues, op: op)

        let width = g.integralWidth
        /// The sum over a rectangle of the window at `origin`, wrapping as int32 arithmetic does in C.
        func rectSum(_ table: UnsafeMutablePointer<Int32>, _ origin: Int, _ x: Int, _ y: Int, _ w: Int, _ h: Int) -> Int32 {
            let topLeft = origin + y * width + x
            let bottomLeft = topLeft + h * width
            return table[topLeft] &- table[topLeft + w] &- table[bottomLeft] &+ table[bottomLeft + w]
        }
        let normArea = Double((g.windowWidth - 2) * (g.windowHeight - 2))
        for row in 0..<g.rows {
            for column in 0..<g.columns {
                let origin = row * g.step * width + column * g.step
                // setWindow: the variance normalisation over the window less its one-pixel border.
                let windowSum = rectSum(sum, origin, 1, 1, g.windowWidth - 2, g.windowHeight - 2)
                let windowSquares = UInt32(bitPattern: rectSum(squares, origin, 1, 1, g.windowWidth - 2, g.windowHeight - 2))
                let spread = normArea * Double(windowSquares) - Double(windowSum) * Double(windowSum)
                var code: Int32 = -1
                if spread > 0 {
                    let normFactor = Float(1 / spread.squareRoot())
                    if normArea * Double(normFactor) < 0.1 {
                        code = 1
                        var first = 0
                        for stage in 0..<g.stageCount {
                            let count = Int(stageValues[2 * stage])
                            var total = 0.0
                            for s in first..<(first + count) {
                                let f = Int(stumpValues[4 * s]) * 15
                                var value = rects[f + 4] * Float(rectSum(sum, origin, Int(rects[f]), Int(rects[f + 1]), Int(rects[f + 2]), Int(rects[f + 3])))
                                    + rects[f + 9] * Float(rectSum(sum, origin, Int(rects[f + 5]), Int(rects[f + 6]), Int(rects[f + 7]), Int(rects[f + 8])))
                                if rects[f + 14] != 0 {
                                    value += rects[f + 14] * Float(rectSum(sum, origin, Int(rects[f + 10]), Int(rects[f + 11]), Int(rects[f + 12]), Int(rects[f + 13])))
                                }
                                value *= normFactor
                                total += Double(value < stumpValues[4 * s + 1] ? stumpValues[4 * s + 2] : stumpValues[4 * s + 3])
                            }
                            if total < Double(stageValues[2 * stage + 1]) { code = -Int32(stage); break }
                            first += count
                        }
                    }
                }
                out[row * g.columns + column] = code
            }
        }
    }

    /// The kernel trusts the tables; the reference checks them so that a wrong cascade fails
    /// loudly here: stage sizes that add up to the stump count, feature indices in range and
    /// rectangles inside the window.
    private func validateTables(_ g: HaarScanGeometry, rects: UnsafeMutablePointer<Float>, stumps: UnsafeMutablePointer<Float>,
                                stages: UnsafeMutablePointer<Float>, op: Op) throws {
        let total = (0..<g.stageCount).reduce(0) { $0 + Int(stages[2 * $1]) }
        guard total == g.stumpCount else {
            throw BackendError.invalidArgument(op: op.rawValue, reason: "stages hold \(total) stumps, the table has \(g.stumpCount)")
        }
        for s in 0..<g.stumpCount where !(0..<g.featureCount).contains(Int(stumps[4 * s])) {
            throw BackendError.invalidArgument(op: op.rawValue, reason: "stump \(s) names feature \(stumps[4 * s]) of \(g.featureCount)")
        }
        for r in 0..<(g.featureCount * 3) {
            let x = Int(rects[5 * r]), y = Int(rects[5 * r + 1]), w = Int(rects[5 * r + 2]), h = Int(rects[5 * r + 3])
            guard x >= 0, y >= 0, w >= 0, h >= 0, x + w <= g.windowWidth, y + h <= g.windowHeight else {
                throw BackendError.invalidArgument(op: op.rawValue, reason: "feature \(r / 3) rectangle \(r % 3) lies outside the window")
            }
        }
    }
}
