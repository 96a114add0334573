import FERCore
import FERData
import FERModel
import FERTrain
import Foundation

/// One face of an analysed image: where it is, how sure the detector is, and the model's
/// probability for each emotion (FER-2013 class order, `EmotionClass.allCases`).
public struct AnalyzedFace: Sendable {
    public var box: FaceBox
    /// Window hits grouped into this box (OpenCV's numDetections); nil when detection was off.
    public var neighbors: Int?
    public var probabilities: [Double]
    public var logits: [Float]

    public init(box: FaceBox, neighbors: Int?, probabilities: [Double], logits: [Float]) {
        self.box = box; self.neighbors = neighbors; self.probabilities = probabilities; self.logits = logits
    }

    /// The `k` most probable emotions, most probable first.
    public func top(_ k: Int) -> [(emotion: EmotionClass, probability: Double)] {
        probabilities.enumerated().sorted { $0.element > $1.element }.prefix(k).map { (EmotionClass.allCases[$0.offset], $0.element) }
    }
}

/// Detect, crop, classify: the one pipeline behind `fer-cl predict` (and `serve`'s /predict).
/// Faces are found with the Haar cascade, each box is widened by `margin` of its size per
/// side (a little: the cascade's box already spans about what a FER-2013 crop holds), cut
/// out with edge pixels repeated where the widened box leaves the image, shrunk to 48x48 as
/// training images are (`GrayImage.resized`), normalised with the model's normalisation and
/// classified in batches of exactly `batchSize` (padded), so no program is compiled per face count.
/// The crops go through `augment_batch` as evaluation's images do, so normalisation and the
/// test-time views (`setTestTimeAugmentation`) are the ones `fer-cl evaluate` scores.
public final class FaceAnalyzer {
    public let backend: Backend
    public let network: Network
    public let normalization: Normalization
    public let detector: FaceDetector?
    public var parameters: DetectionParameters
    public var margin: Double
    /// Pictures wider than this are shrunk to it for detection only (nil: detect at full size).
    public var detectionWidth: Int?
    public let batchSize: Int
    /// The probabilities are averaged over these views of each crop (one: the crop as it is).
    public private(set) var views: [AugmentParameters]
    public private(set) var testTimeAugmentation = TestTimeAugmentation.none
    private let crops: Tensor, labels: Tensor, indices: Tensor, input: Tensor, inputLabels: Tensor

    /// Measured with Scripts/emotion-through-detector (656 test/ faces pasted into pictures, one
    /// model): accuracy on the found faces 41.4% at margin 0, 42.4% at 0.05, 39.6% at 0.1, 33.9%
    /// at 0.15 and 25.5% at 0.25, against 41.0% on the plain crops: the cascade's box already
    /// spans about what a FER-2013 crop holds.
    public static let defaultMargin = 0.05
    /// Wall-clock seconds spent so far in `analyze`'s two halves (the detector waits for its
    /// scans, so this is device time too); `predict` on video reports them per frame.
    public private(set) var seconds = (detect: 0.0, classify: 0.0)

    /// - Parameters:
    ///   - cascade: nil to classify whole images only (`classifyWhole`).
    public init(modelPath: String, cascade: HaarCascade?, backend: Backend, parameters: DetectionParameters = DetectionParameters(),
                margin: Double = defaultMargin, batchSize: Int = 8) throws {
        self.backend = backend
        (network, normalization, _) = try ModelFile.open(URL(fileURLWithPath: modelPath), on: backend)
        detector = try cascade.map { try FaceDetector(cascade: $0, backend: backend) }
        self.parameters = parameters
        self.margin = margin
        self.batchSize = batchSize
        crops = try backend.makeTensor([batchSize, Dataset.side, Dataset.side], .uint8)
        labels = try backend.makeTensor([batchSize], .int32)
        indices = try backend.makeTensor([batchSize], .int32)
        input = try backend.makeTensor([batchSize, Dataset.side, Dataset.side, 1], .float32)
        inputLabels = try backend.makeTensor([batchSize], .int32)
        try backend.upload([Int32](repeating: 0, count: batchSize), to: labels)
        try backend.upload((0..<Int32(batchSize)).map { $0 }, to: indices)
        views = [normalization.plainBatch(batch: batchSize, imageCount: batchSize)]
    }

    /// `--tta`: average each face's probabilities over the flip or ten-crop views (ten-crop needs
    /// a model trained with --crop-padding, whose offsets it uses).
    public func setTestTimeAugmentation(_ tta: TestTimeAugmentation) throws {
        views = try tta.views(of: normalization.plainBatch(batch: batchSize, imageCount: batchSize),
                              trainingCropPadding: normalization.trainingCropPadding)
        testTimeAugmentation = tta
    }

    /// The faces of `image`, in the detector's order (none when it finds none). `near`: look only
    /// around these boxes (a video's tracked faces between full scans, `FaceDetector.detect(_:_:near:)`),
    /// at full size; nil: the whole picture (at `detectionWidth` when set).
    public func analyze(_ image: GrayImage, near boxes: [FaceBox]? = nil) throws -> [AnalyzedFace] {
        guard let detector else { return try classifyWhole([image]) }
        let start = DispatchTime.now().uptimeNanoseconds
        let detections = try boxes.map { try detector.detect(image, parameters, near: $0) } ?? detector.detect(image, parameters, atWidth: detectionWidth)
        let detected = DispatchTime.now().uptimeNanoseconds
        let crops = detections.map { crop(image, $0.box) }
        let scores = try classify(crops)
        seconds.detect += Double(detected - start) / 1e9
        seconds.classify += Double(DispatchTime.now().uptimeNanoseconds - detected) / 1e9
        return zip(detections, scores).map { detection, scored in
            AnalyzedFace(box: detection.box, neighbors: detection.neighbors, probabilities: scored.probabilities, logits: scored.logits)
        }
    }

    /// Each image taken as one face crop (inputs that already are faces: `--no-detect`).
    public func classifyWhole(_ images: [GrayImage]) throws -> [AnalyzedFace] {
        let scored = try classify(images.map { $0.resized(width: Dataset.side, height: Dataset.side) })
        return zip(images, scored).map { image, s in
            AnalyzedFace(box: FaceBox(x: 0, y: 0, width: image.width, height: image.height), neighbors: nil,
                         probabilities: s.probabilities, logits: s.logits)
        }
    }

    /// The 48x48 crop of a detection, widened by the margin.
    public func crop(_ image: GrayImage, _ box: FaceBox) -> GrayImage {
        let grow = Int((Double(box.width) * margin).rounded())
        let side = box.width + 2 * grow, x0 = box.x - grow, y0 = box.y - grow
        var pixels = [UInt8](repeating: 0, count: side * side)
        for y in 0..<side {
            let sy = min(max(y0 + y, 0), image.height - 1)
            for x in 0..<side { pixels[y * side + x] = image.pixels[sy * image.width + min(max(x0 + x, 0), image.width - 1)] }
        }
        return GrayImage(width: side, height: side, pixels: pixels).resized(width: Dataset.side, height: Dataset.side)
    }

    /// 48x48 images through the network, `batchSize` at a time; the logits are the plain view's.
    func classify(_ faces: [GrayImage]) throws -> [(probabilities: [Double], logits: [Float])] {
        var results: [(probabilities: [Double], logits: [Float])] = []
        let pixelsPerFace = Dataset.side * Dataset.side
        let k = network.classes
        var start = 0
        while start < faces.count {
            let chunk = faces[start..<min(start + batchSize, faces.count)]
            // Always padded to batchSize: on POCL a batch of 2 measured no faster than 8 (131 against
            // 93-112 ms per frame of two faces), and one size means one set of programs.
            var pixels = [UInt8](repeating: 0, count: batchSize * pixelsPerFace)
            for (row, face) in chunk.enumerated() { pixels.replaceSubrange((row * pixelsPerFace)..<((row + 1) * pixelsPerFace), with: face.pixels) }
            try backend.upload(pixels, to: crops)
            let logits = try views.map { view in
                try backend.augmentBatch(view, images: crops, labels: labels, indices: indices, output: input, outputLabels: inputLabels)
                return try backend.floats(try network.forward(input, context: PassContext(mode: .inference)))
            }
            for row in 0..<chunk.count {
                let rows = logits.map { $0[(row * k)..<((row + 1) * k)] }
                results.append((TestTimeAugmentation.averagedProbabilities(rows), Array(rows[0])))
            }
            start += batchSize
        }
        return results
    }
}
