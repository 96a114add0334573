import FERCore

/// The cross-backend check of `haarCascadeScan`: a random cascade over a random image, both
/// built here so that the check needs no file. The image is smooth noise (so feature values
/// spread around the random thresholds and windows stop at many different stages) with a
/// flat patch (windows too flat to normalise: code -1); window decisions must be identical.
extension OpChecks {
    /// Window 10x8, image 37x29: sizes that fit no work-group evenly; steps 1 and 2 (OpenCV's) and 3
    /// (the kernel's general lane loads), each with whole groups of lanes and a shorter row tail.
    static let haarImageWidth = 37, haarImageHeight = 29

    mutating func haarCascadeComparisons(_ label: String) throws -> [Comparison] {
        let (windowWidth, windowHeight) = (10, 8)
        let featureCount = 23, stageCount = 6
        var features: [Float] = []
        for f in 0..<featureCount {
            for r in 0..<3 {
                if r == 2 && f % 2 == 0 { features += [0, 0, 0, 0, 0]; continue }
                let w = 1 + Int(inputs.generator.next() % UInt64(windowWidth)), h = 1 + Int(inputs.generator.next() % UInt64(windowHeight))
                let x = Int(inputs.generator.next() % UInt64(windowWidth - w + 1)), y = Int(inputs.generator.next() % UInt64(windowHeight - h + 1))
                features += [Float(x), Float(y), Float(w), Float(h), r == 0 ? -1 : Float(1 + inputs.generator.next() % 3)]
            }
        }
        var stumps: [Float] = [], stages: [Float] = []
        for stage in 0..<stageCount {
            let count = 2 + stage
            for _ in 0..<count {
                stumps += [Float(inputs.generator.next() % UInt64(featureCount)), inputs.generator.uniform(-0.05, 0.2),
                           inputs.generator.uniform(-1, 1), inputs.generator.uniform(-1, 1)]
            }
            stages += [Float(count), inputs.generator.uniform(-0.6, 0.1) * Float(count)]
        }
        let width = Self.haarImageWidth, height = Self.haarImageHeight
        var pixels = [UInt8](repeating: 0, count: width * height)
        var level: Float = 128
        for i in 0..<pixels.count {
            level = min(255, max(0, level + inputs.generator.uniform(-40, 40)))
            let flat = (i % width) >= 24 && (i / width) >= 14
            pixels[i] = flat ? 90 : UInt8(level)
        }
        let integrals = IntegralImages(pixels: pixels, width: width, height: height)
        return try [1, 2, 3].flatMap { step in
            let g = HaarScanGeometry(windowWidth: windowWidth, windowHeight: windowHeight, imageWidth: width, imageHeight: height, step: step,
                                     featureCount: featureCount, stumpCount: stumps.count / 4, stageCount: stageCount)
            return try harness.compare("\(label) \(g)", [
                .input("integral", integrals.sum, [g.integralCount]), .input("squaredIntegral", integrals.squares, [g.integralCount]),
                .input("features", features, [featureCount, 3, 5]), .input("stumps", stumps, [g.stumpCount, 4]),
                .input("stages", stages, [stageCount, 2]), .output("result", [g.resultCount], .int32),
            ]) { b, t in
                try b.haarCascadeScan(g, integral: t["integral"]!, squaredIntegral: t["squaredIntegral"]!, features: t["features"]!,
                                      stumps: t["stumps"]!, stages: t["stages"]!, result: t["result"]!)
            }
        }
    }
}
