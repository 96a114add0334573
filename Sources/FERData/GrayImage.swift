/// An 8-bit grayscale image of any size, row-major, no row padding.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// - Precondition: `width, height > 0` and `pixels.count == width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height,
                     "GrayImage: \(pixels.count) pixels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The `width × height` part of this image whose top-left pixel is (x, y).
    /// - Precondition: the part lies inside the image and is not empty.
    public func cropped(x: Int, y: Int, width newWidth: Int, height newHeight: Int) -> GrayImage {
        precondition(x >= 0 && y >= 0 && newWidth > 0 && newHeight > 0 && x + newWidth <= width && y + newHeight <= height,
                     "GrayImage.cropped: \(newWidth)x\(newHeight) at \(x),\(y) outside \(width)x\(height)")
        var part = [UInt8]()
        part.reserveCapacity(newWidth * newHeight)
        for row in y..<(y + newHeight) { part += pixels[(row * width + x)..<(row * width + x + newWidth)] }
        return GrayImage(width: newWidth, height: newHeight, pixels: part)
    }

    /// This image at `width × height`.
    ///
    /// Each axis is resampled on its own (the filters are separable), with the filter
    /// chosen per axis:
    ///
    /// * Shrinking (n → m, m < n) uses area averaging: output sample o covers the source
    ///   interval [o·n/m, (o+1)·n/m) and is the mean of the source pixels weighted by
    ///   how much of each pixel that interval overlaps. Every source pixel contributes
    ///   with total weight m/n, so no detail is dropped and nothing aliases — unlike
    ///   bilinear, which for a 4× shrink would read only 2 of every 4 pixels.
    /// * Enlarging (m > n) uses bilinear interpolation with pixel centres aligned:
    ///   x = (o + ½)·n/m − ½, clamped to [0, n−1], blending the two neighbours by the
    ///   fractional part. Area averaging would degenerate into nearest-neighbour blocks.
    /// * Equal sizes copy the axis unchanged, so a 48 × 48 input is returned bit-exact.
    ///
    /// Results are rounded to nearest and clamped to 0...255.
    public func resized(width newWidth: Int, height newHeight: Int) -> GrayImage {
        precondition(newWidth > 0 && newHeight > 0, "GrayImage.resized: non-positive size")
        if newWidth == width && newHeight == height { return self }
        let columns = ResampleAxis(from: width, to: newWidth)
        let rows = ResampleAxis(from: height, to: newHeight)

        // Horizontal pass: height × newWidth, kept in Float so the vertical pass does not
        // accumulate a second rounding error.
        var horizontal = [Float](repeating: 0, count: height * newWidth)
        pixels.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { dst in
                for y in 0 ..< height {
                    let srcRow = y * width, dstRow = y * newWidth
                    for o in 0 ..< newWidth {
                        var sum: Float = 0
                        let taps = columns.taps[o]
                        for t in 0 ..< taps.weights.count {
                            sum += Float(src[srcRow + taps.first + t]) * taps.weights[t]
                        }
                        dst[dstRow + o] = sum
                    }
                }
            }
        }

        var out = [UInt8](repeating: 0, count: newHeight * newWidth)
        horizontal.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for o in 0 ..< newHeight {
                    let taps = rows.taps[o]
                    for x in 0 ..< newWidth {
                        var sum: Float = 0
                        for t in 0 ..< taps.weights.count {
                            sum += src[(taps.first + t) * newWidth + x] * taps.weights[t]
                        }
                        dst[o * newWidth + x] = UInt8(min(max(sum + 0.5, 0), 255))
                    }
                }
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }
}

/// Per-output-sample source ranges and weights for one axis (see `GrayImage.resized`).
struct ResampleAxis {
    struct Taps {
        var first: Int
        var weights: [Float]
    }

    var taps: [Taps]

    init(from n: Int, to m: Int) {
        taps = []
        taps.reserveCapacity(m)
        let scale = Double(n) / Double(m)
        for o in 0 ..< m {
            if m == n {
                taps.append(Taps(first: o, weights: [1]))
            } else if m < n {
                let lo = Double(o) * scale, hi = Double(o + 1) * scale
                let first = Int(lo.rounded(.down))
                let last = min(Int(hi.rounded(.up)) - 1, n - 1)
                var weights: [Float] = []
                for i in first ... last {
                    let overlap = min(hi, Double(i + 1)) - max(lo, Double(i))
                    weights.append(Float(max(overlap, 0) / scale))
                }
                taps.append(Taps(first: first, weights: weights))
            } else {
                let x = min(max((Double(o) + 0.5) * scale - 0.5, 0), Double(n - 1))
                let i0 = Int(x.rounded(.down))
                let f = x - Double(i0)
                if i0 + 1 < n && f > 0 {
                    taps.append(Taps(first: i0, weights: [Float(1 - f), Float(f)]))
                } else {
                    taps.append(Taps(first: i0, weights: [1]))
                }
            }
        }
    }
}
