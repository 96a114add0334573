import FERData
import FERFaces
import Testing

/// The hand-drawn font and the drawing of boxes and labels.
@Suite("annotation drawing") struct AnnotationTests {
    @Test func everyGlyphIsEightRowsOfFiveColumns() {
        for (character, rows) in BitmapFont.table {
            #expect(rows.count == BitmapFont.glyphHeight, "\(character)")
            for row in rows { #expect(row.count == BitmapFont.glyphWidth && row.allSatisfy { $0 == "#" || $0 == "." }, "\(character): \(row)") }
            #expect(character == " " || rows.joined().contains("#"), "\(character) has no ink")
        }
        // Different characters look different (a copied row set would be a typo in the table).
        let shapes = BitmapFont.table.map { $0.value.joined() }
        #expect(Set(shapes).count == shapes.count)
    }

    @Test func labelsUseOnlyDrawnCharacters() {
        let drawn = Set(BitmapFont.table.keys)
        for emotion in EmotionClass.allCases { #expect(emotion.name.allSatisfy(drawn.contains), "\(emotion.name)") }
        #expect("#12 0123456789 %.:-()/".allSatisfy(drawn.contains))
        #expect(BitmapFont.glyph("A") == BitmapFont.glyph("a"))
        #expect(BitmapFont.glyph("@") == BitmapFont.glyph("?"))
    }

    @Test func textInksOnlyInsideItsSize() {
        var image = RGBImage(gray: GrayImage(width: 80, height: 30, pixels: [UInt8](repeating: 0, count: 80 * 30)))
        image.text("happy 9", x: 3, y: 4, scale: 2, RGB(255, 255, 255))
        let size = RGBImage.textSize("happy 9", scale: 2)
        var inked = 0
        for y in 0..<30 {
            for x in 0..<80 where image.pixels[3 * (y * 80 + x)] == 255 {
                inked += 1
                #expect(x >= 3 && x < 3 + size.width && y >= 4 && y < 4 + size.height, "ink at \(x),\(y)")
            }
        }
        #expect(inked > 100)
    }

    @Test func facesAreBoxedInTheirEmotionsColourAndClipped() {
        var image = RGBImage(gray: GrayImage(width: 120, height: 90, pixels: [UInt8](repeating: 50, count: 120 * 90)))
        var probabilities = [Double](repeating: 0.05, count: 7)
        probabilities[EmotionClass.surprise.rawValue] = 0.7
        let face = AnalyzedFace(box: FaceBox(x: 70, y: 40, width: 80, height: 60), neighbors: 5, probabilities: probabilities, logits: [])
        #expect(FaceAnnotation.label(face, id: 4) == "#4 surprise 70%")
        FaceAnnotation.draw([face], ids: [4], on: &image)  // reaches past the right and bottom edges
        let c = EmotionClass.surprise.colour
        let left = 3 * (60 * 120 + 70)
        #expect(Array(image.pixels[left..<(left + 3)]) == [c.r, c.g, c.b], "the box's left edge")
        let inside = 3 * (70 * 120 + 90)
        #expect(image.pixels[inside] == 50, "inside the box the picture is untouched")
    }
}
