import FERCore

/// Mixup / CutMix of a batch with its mirrored order; the maths is stated on `MixGeometry`.
extension ReferenceBackend {
    public func mixBatch(_ g: MixGeometry, input: Tensor, output: Tensor) throws {
        let op = Op.mixBatch
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.count, op: op, "input")
        let y = try floats(output, g.count, op: op, "output")
        let pixels = g.height * g.width
        for b in 0..<g.batch {
            let own = b * pixels, partner = (g.batch - 1 - b) * pixels
            for row in 0..<g.height {
                for column in 0..<g.width {
                    let e = row * g.width + column
                    switch g.mode {
                    case .mixup:
                        y[own + e] = g.lambda * x[own + e] + (1 - g.lambda) * x[partner + e]
                    case .cutmix:
                        let inside = (g.top..<(g.top + g.boxHeight)).contains(row) && (g.left..<(g.left + g.boxWidth)).contains(column)
                        y[own + e] = inside ? x[partner + e] : x[own + e]
                    }
                }
            }
        }
    }
}
