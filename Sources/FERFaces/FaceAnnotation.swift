import FERData

/// Draws analysed faces onto a picture: a box per face in its emotion's colour, and above it
/// (inside it when the box touches the top edge) a label with the face's track id when it has
/// one, the most probable emotion and its probability, e.g. `#2 happy 87%`. Sizes follow the
/// picture (a 640x480 frame gets 2-pixel font pixels and 3-pixel lines) so labels stay legible.
public enum FaceAnnotation {
    public static func label(_ face: AnalyzedFace, id: Int?) -> String {
        let best = face.top(1)[0]
        return (id.map { "#\($0) " } ?? "") + "\(best.emotion.name) \(Int((best.probability * 100).rounded()))%"
    }

    public static func draw(_ faces: [AnalyzedFace], ids: [Int?]? = nil, on image: inout RGBImage) {
        let scale = max(1, min(image.width, image.height) / 240)
        for (index, face) in faces.enumerated() {
            let c = face.top(1)[0].emotion.colour
            let colour = RGB(c.r, c.g, c.b)
            image.stroke(face.box, thickness: scale + 1, colour)
            let text = label(face, id: ids?[index] ?? nil)
            let size = RGBImage.textSize(text, scale: scale)
            let pad = scale
            let height = size.height + 2 * pad
            let top = face.box.y - height >= 0 ? face.box.y - height : face.box.y
            image.fill(x: face.box.x, y: top, width: size.width + 2 * pad, height: height, colour)
            // Dark text on the light colours, white on the dark ones.
            let light = 299 * Int(colour.r) + 587 * Int(colour.g) + 114 * Int(colour.b) > 140_000
            image.text(text, x: face.box.x + pad, y: top + pad, scale: scale, light ? RGB(0, 0, 0) : RGB(255, 255, 255))
        }
    }
}
