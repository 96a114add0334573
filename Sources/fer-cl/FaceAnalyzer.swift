import FERCore
import FERData
import FERModel
import FERTrain
import Foundation

/// Finds the faces in a photo and classifies each one's expression: the single place where
/// face detection plugs in (issue 13's detector replaces `faceBoxes`). Until then the whole
/// image is taken as one face. Safe to call from several threads: the network runs one
/// request at a time behind a lock (its buffers are shared).
final class FaceAnalyzer: @unchecked Sendable {
    struct Box: Codable, Equatable { let x, y, width, height: Int }
    struct Face: Codable {
        let box: Box
        let emotion: String
        let confidence: Double
        /// Every class's probability, by class name.
        let probabilities: [String: Double]
    }

    let backend: Backend
    let network: Network
    let normalization: Normalization
    private let lock = NSLock()

    init(model: URL, backend: Backend) throws {
        self.backend = backend
        (network, normalization, _) = try ModelFile.open(model, on: backend)
    }

    /// The faces of `image`, largest first.
    func faceBoxes(in image: GrayImage) -> [Box] {
        [Box(x: 0, y: 0, width: image.width, height: image.height)]
    }

    func analyze(_ image: GrayImage) throws -> [Face] {
        let boxes = faceBoxes(in: image)
        guard !boxes.isEmpty else { return [] }
        let crops = boxes.map { Self.crop(image, $0).resized(width: Dataset.side, height: Dataset.side).pixels }
        let logits: [Float] = try lock.withLock {
            let dataset = Dataset(images: crops.flatMap { $0 }, labels: [Int32](repeating: 0, count: crops.count), split: .test, source: "request")
            let data = try DeviceDataset(dataset, on: backend)
            let parameters = normalization.plainBatch(batch: crops.count, imageCount: crops.count)
            let (input, _) = try data.batch(ArraySlice((0..<Int32(crops.count)).map { $0 }), parameters: parameters)
            return try backend.floats(try network.forward(input, context: PassContext(mode: .inference)))
        }
        let k = network.classes
        let names = EmotionClass.allCases.prefix(k).map(\.name)
        return boxes.enumerated().map { row, box in
            let scores = logits[(row * k)..<((row + 1) * k)].map(Double.init)
            let top = scores.max()!
            let exps = scores.map { exp($0 - top) }
            let total = exps.reduce(0, +)
            let probabilities = exps.map { $0 / total }
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
            return Face(box: box, emotion: names[best], confidence: probabilities[best],
                        probabilities: Dictionary(uniqueKeysWithValues: zip(names, probabilities)))
        }
    }

    static func crop(_ image: GrayImage, _ box: Box) -> GrayImage {
        if box.x == 0 && box.y == 0 && box.width == image.width && box.height == image.height { return image }
        var pixels = [UInt8]()
        pixels.reserveCapacity(box.width * box.height)
        for row in box.y..<(box.y + box.height) {
            pixels += image.pixels[(row * image.width + box.x)..<(row * image.width + box.x + box.width)]
        }
        return GrayImage(width: box.width, height: box.height, pixels: pixels)
    }
}
