/// The two tables `Backend.haarCascadeScan` reads, from an 8-bit grey image: the integral
/// image and the integral of squared pixels, [height + 1, width + 1] with a zero first row
/// and column. Both in int32 as OpenCV's `integral(img, sum, sqsum, CV_32S, CV_32S)`: the
/// squared sums wrap past 2^31 on large images, and a window's difference stays exact.
public struct IntegralImages: Sendable {
    public let width, height: Int
    public let sum: [Int32]
    public let squares: [Int32]

    /// - Precondition: `pixels.count == width * height`.
    public init(pixels: [UInt8], width: Int, height: Int) {
        precondition(pixels.count == width * height, "IntegralImages: \(pixels.count) pixels for \(width)x\(height)")
        self.width = width; self.height = height
        let stride = width + 1
        var sum = [Int32](repeating: 0, count: stride * (height + 1)), squares = sum
        for y in 0..<height {
            var rowSum: Int32 = 0, rowSquares: Int32 = 0
            for x in 0..<width {
                let p = Int32(pixels[y * width + x])
                rowSum &+= p
                rowSquares &+= p * p
                sum[(y + 1) * stride + x + 1] = sum[y * stride + x + 1] &+ rowSum
                squares[(y + 1) * stride + x + 1] = squares[y * stride + x + 1] &+ rowSquares
            }
        }
        self.sum = sum
        self.squares = squares
    }
}
