import FERData

/// A colour to draw with.
public struct RGB: Hashable, Sendable {
    public var r, g, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
}

/// The few drawing operations annotation needs, clipped to the image (a box reaching past an
/// edge, as the detector's widened crops can, is drawn in part rather than refused).
extension RGBImage {
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, _ colour: RGB) {
        let x0 = max(x, 0), y0 = max(y, 0), x1 = min(x + width, self.width), y1 = min(y + height, self.height)
        guard x0 < x1, y0 < y1 else { return }
        let w = self.width
        pixels.withUnsafeMutableBufferPointer { p in
            for row in y0..<y1 {
                for column in x0..<x1 {
                    let i = 3 * (row * w + column)
                    p[i] = colour.r; p[i + 1] = colour.g; p[i + 2] = colour.b
                }
            }
        }
    }

    /// The outline of a box, `thickness` pixels wide, inside the box.
    public mutating func stroke(_ box: FaceBox, thickness: Int, _ colour: RGB) {
        let t = max(1, min(thickness, box.width / 2, box.height / 2))
        fill(x: box.x, y: box.y, width: box.width, height: t, colour)
        fill(x: box.x, y: box.y + box.height - t, width: box.width, height: t, colour)
        fill(x: box.x, y: box.y, width: t, height: box.height, colour)
        fill(x: box.x + box.width - t, y: box.y, width: t, height: box.height, colour)
    }

    /// Text in `BitmapFont`, each font pixel drawn as a `scale` x `scale` square, top left at (x, y).
    public mutating func text(_ string: String, x: Int, y: Int, scale: Int, _ colour: RGB) {
        for (index, character) in string.enumerated() {
            let left = x + index * BitmapFont.advance * scale
            for (row, bits) in BitmapFont.glyph(character).enumerated() {
                for (column, ink) in bits.enumerated() where ink {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, colour)
                }
            }
        }
    }

    /// The pixel size `text` covers.
    public static func textSize(_ string: String, scale: Int) -> (width: Int, height: Int) {
        (max(0, string.count * BitmapFont.advance - 1) * scale, BitmapFont.glyphHeight * scale)
    }
}
