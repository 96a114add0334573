import FERCore
import FERData
import FERFaces
import Foundation

/// `serve`'s view of the detect-crop-classify pipeline (FERFaces' `FaceAnalyzer`, the one
/// behind `predict`): faces as the page's JSON wants them, one request at a time behind a lock
/// (the network's buffers are shared). Without a cascade (`--no-detect`) the whole image is one face.
final class ServedFaces: @unchecked Sendable {
    struct Box: Codable, Equatable { let x, y, width, height: Int }
    struct Face: Codable {
        let box: Box
        /// Window hits grouped into the box (OpenCV's numDetections); absent without detection.
        let neighbors: Int?
        let emotion: String
        let confidence: Double
        /// Every class's probability, by class name.
        let probabilities: [String: Double]
    }

    let analyzer: FaceAnalyzer
    var backend: Backend { analyzer.backend }
    private let lock = NSLock()

    init(analyzer: FaceAnalyzer) { self.analyzer = analyzer }

    func analyze(_ image: GrayImage) throws -> [Face] {
        let faces = try lock.withLock { try analyzer.analyze(image) }
        let names = EmotionClass.allCases.prefix(analyzer.network.classes).map(\.name)
        return faces.map { face in
            let best = face.probabilities.indices.max { face.probabilities[$0] < face.probabilities[$1] }!
            return Face(box: Box(x: face.box.x, y: face.box.y, width: face.box.width, height: face.box.height), neighbors: face.neighbors,
                        emotion: names[best], confidence: face.probabilities[best],
                        probabilities: Dictionary(uniqueKeysWithValues: zip(names, face.probabilities)))
        }
    }
}
