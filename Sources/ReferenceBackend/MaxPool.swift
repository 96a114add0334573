import FERCore

/// 2x2 max pooling, stride 2, NHWC. argmax holds the window position 0...3 (dy * 2 + dx) of
/// the maximum; the first of equal values wins. The backward pass routes each output
/// gradient to that position and writes 0 everywhere else. With `fusedReLU` a window whose
/// maximum is not positive outputs 0 with argmax -1 and routes no gradient (PoolGeometry).
extension ReferenceBackend {
    public func maxPoolForward(_ g: PoolGeometry, input: Tensor, output: Tensor, argmax: Tensor) throws {
        let op = Op.maxPoolForward
        try g.validate(op: op.rawValue)
        let x = try floats(input, g.inputCount, op: op, "input")
        let y = try floats(output, g.outputCount, op: op, "output")
        let arg = try int32s(argmax, g.outputCount, op: op, "argmax")
        for n in 0..<g.batch {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    for c in 0..<g.channels {
                        var best = -Float.infinity, bestPosition: Int32 = 0
                        for position in 0..<4 {
                            let v = x[((n * g.height + 2 * oy + position / 2) * g.width + 2 * ox + position % 2) * g.channels + c]
                            if v > best || position == 0 { best = v; bestPosition = Int32(position) }
                        }
                        let e = ((n * g.outHeight + oy) * g.outWidth + ox) * g.channels + c
                        if g.fusedReLU && !(best > 0) {
                            y[e] = 0
                            arg[e] = -1
                        } else {
                            y[e] = best
                            arg[e] = bestPosition
                        }
                    }
                }
            }
        }
    }

    public func maxPoolBackward(_ g: PoolGeometry, outputGrad: Tensor, argmax: Tensor, inputGrad: Tensor) throws {
        let op = Op.maxPoolBackward
        try g.validate(op: op.rawValue)
        let dy = try floats(outputGrad, g.outputCount, op: op, "outputGrad")
        let arg = try int32s(argmax, g.outputCount, op: op, "argmax")
        let dx = try floats(inputGrad, g.inputCount, op: op, "inputGrad")
        dx.update(repeating: 0, count: g.inputCount)
        for n in 0..<g.batch {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    for c in 0..<g.channels {
                        let e = ((n * g.outHeight + oy) * g.outWidth + ox) * g.channels + c
                        let position = Int(arg[e])
                        if position == -1 && g.fusedReLU { continue }
                        guard (0..<4).contains(position) else {
                            throw BackendError.invalidArgument(op: op.rawValue, reason: "argmax \(position) outside the 2x2 window at element \(e)")
                        }
                        dx[((n * g.height + 2 * oy + position / 2) * g.width + 2 * ox + position % 2) * g.channels + c] = dy[e]
                    }
                }
            }
        }
    }
}
