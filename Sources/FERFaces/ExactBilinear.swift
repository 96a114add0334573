/// OpenCV's bit-exact bilinear resize of 8-bit images (`INTER_LINEAR_EXACT`), which its
/// cascade detector uses to build each scale: pixel centres aligned, weights rounded to
/// 1/256, a horizontal then a vertical pass in fixed point, the result rounded once.
/// Matching it bit for bit makes fer-cl's windows see the pixels OpenCV's windows see.
/// (At exactly half size OpenCV switches to area averaging, which gives the same bytes.)
enum ExactBilinear {
    /// Per output coordinate: the first source index and its weight in 1/256 (the second
    /// source pixel, index + 1, gets 256 - weight).
    struct Taps {
        var index: [Int]
        var weight: [Int32]

        init(source: Int, destination: Int) {
            let scale = 1.0 / (Double(destination) / Double(source))
            index = []; weight = []
            for d in 0..<destination {
                let position = scale * (Double(d) + 0.5) - 0.5
                let whole = Int(position.rounded(.down))
                if whole < 0 || source == 1 {
                    index.append(0); weight.append(256)
                } else if whole >= source - 1 {
                    index.append(source - 1); weight.append(256)
                } else {
                    let fraction = Int32(((position - Double(whole)) * 256).rounded(.toNearestOrEven))
                    index.append(whole); weight.append(256 - fraction)
                }
            }
        }
    }

    static func resize(_ pixels: [UInt8], width: Int, height: Int, toWidth newWidth: Int, height newHeight: Int) -> [UInt8] {
        if newWidth == width && newHeight == height { return pixels }
        let columns = Taps(source: width, destination: newWidth), rows = Taps(source: height, destination: newHeight)
        // Horizontal pass for every source row: values in 1/256 of a grey level.
        var horizontal = [Int32](repeating: 0, count: height * newWidth)
        pixels.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let row = y * width
                    for x in 0..<newWidth {
                        let i = row + columns.index[x], w = columns.weight[x]
                        let second = w == 256 ? 0 : Int32(src[i + 1]) * (256 - w)
                        out[y * newWidth + x] = Int32(src[i]) * w + second
                    }
                }
            }
        }
        var result = [UInt8](repeating: 0, count: newWidth * newHeight)
        horizontal.withUnsafeBufferPointer { h in
            result.withUnsafeMutableBufferPointer { out in
                for y in 0..<newHeight {
                    let top = rows.index[y] * newWidth, w = rows.weight[y]
                    let bottom = w == 256 ? top : top + newWidth
                    for x in 0..<newWidth {
                        let value = h[top + x] * w + h[bottom + x] * (256 - w)
                        out[y * newWidth + x] = UInt8(clamping: (value + 32768) >> 16)
                    }
                }
            }
        }
        return result
    }
}
