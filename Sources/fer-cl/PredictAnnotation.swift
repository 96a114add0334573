import FERData
import FERFaces
import Foundation

/// `predict --annotate DIR` for pictures: each input written into DIR under its own file
/// name (a second input of the same name gets `-2`, `-3`...), with the boxes and labels drawn
/// on the picture in its own colours (upright by EXIF, as the detector saw it), as PNG or JPEG
/// by the name's extension.
struct PredictAnnotation {
    let folder: URL
    private var used: Set<String> = []

    init(folder path: String) throws {
        folder = URL(fileURLWithPath: path, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw UsageError(message: "--annotate \(path): cannot create the folder (\(error.localizedDescription))", command: PredictCommand.name)
        }
    }

    /// Writes the annotated picture and returns its path.
    mutating func write(_ image: GrayImage, faces: [AnalyzedFace], input: String) throws -> String {
        // The detector's gray picture is the fallback canvas (a colour decode failing after the
        // gray one succeeded would be a libjpeg colour-space limit, not a reason to lose the output).
        var canvas = (try? decodeRGBImage(atPath: input)).flatMap { $0.width == image.width && $0.height == image.height ? $0 : nil }
            ?? RGBImage(gray: image)
        FaceAnnotation.draw(faces, on: &canvas)
        let source = URL(fileURLWithPath: input)
        let stem = source.deletingPathExtension().lastPathComponent
        let jpeg = ["jpg", "jpeg"].contains(source.pathExtension.lowercased())
        let suffix = jpeg ? source.pathExtension : "png"
        var name = "\(stem).\(suffix)", copy = 1
        while used.contains(name) { copy += 1; name = "\(stem)-\(copy).\(suffix)" }
        used.insert(name)
        let bytes = jpeg ? try encodeJPEG(rgb: canvas.pixels, width: canvas.width, height: canvas.height)
                         : try encodePNG(rgb: canvas.pixels, width: canvas.width, height: canvas.height)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url, options: .atomic)
        return url.path
    }
}
