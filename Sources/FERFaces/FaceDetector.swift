import FERCore
import FERData

/// The parameters of `detectMultiScale`, with OpenCV's names and meanings.
public struct DetectionParameters: Hashable, Sendable {
    /// Each scale's window is this much larger than the last (> 1).
    public var scaleFactor: Double
    /// A detection needs more than this many overlapping window hits (0: every raw hit, ungrouped).
    public var minNeighbors: Int
    /// Windows smaller than this many pixels (width and height) are not tried.
    public var minSize: Int
    /// Windows larger than this are not tried; nil: up to the whole image.
    public var maxSize: Int?

    public init(scaleFactor: Double = 1.1, minNeighbors: Int = 3, minSize: Int = 30, maxSize: Int? = nil) {
        self.scaleFactor = scaleFactor; self.minNeighbors = minNeighbors; self.minSize = minSize; self.maxSize = maxSize
    }
}

/// A face found in an image: its box and the number of window hits grouped into it (the
/// detection score OpenCV returns as `numDetections`).
public struct Detection: Hashable, Sendable {
    public var box: FaceBox
    public var neighbors: Int
}

/// Viola-Jones face detection as OpenCV's `CascadeClassifier::detectMultiScale` does it for
/// new-format Haar cascades: the image is shrunk once per scale (bit-exact bilinear), every
/// window position of each scale is evaluated by `Backend.haarCascadeScan`, the hits are
/// walked in OpenCV's order (a position after a first-stage rejection is skipped) and
/// grouped by `RectangleGrouping`. The cascade's tables are uploaded once.
public final class FaceDetector {
    public let cascade: HaarCascade
    public let backend: Backend
    let features, stumps, stages: Tensor
    /// Per scaled size, the tensors of one scan, reused across images of the same size (video frames).
    private var buffers: [[Int]: (sum: Tensor, squares: Tensor, result: Tensor)] = [:]
    static let bufferSizesKept = 256

    public init(cascade: HaarCascade, backend: Backend) throws {
        self.cascade = cascade
        self.backend = backend
        features = try backend.tensor(cascade.features, [cascade.featureCount, 3, 5])
        stumps = try backend.tensor(cascade.stumps, [cascade.stumpCount, 4])
        stages = try backend.tensor(cascade.stages, [cascade.stageCount, 2])
    }

    /// One scale of the scan: the factor, the shrunken image's size and the window step.
    public struct Scale: Hashable, Sendable {
        public var factor: Float
        public var width, height: Int
        public var step: Int
    }

    /// The scales OpenCV tries for an image of this size (detectMultiScaleNoGrouping and
    /// FeatureEvaluator::updateScaleData, with their float and double roundings).
    public func scales(width: Int, height: Int, _ p: DetectionParameters) -> [Scale] {
        let w = cascade.windowWidth, h = cascade.windowHeight
        guard width >= w, height >= h, p.scaleFactor > 1 else { return [] }
        var all: [Float] = []
        var factor = 1.0
        while Int((Double(w) * factor).rounded(.toNearestOrEven)) <= width && Int((Double(h) * factor).rounded(.toNearestOrEven)) <= height {
            all.append(Float(factor))
            factor *= p.scaleFactor
        }
        var result: [Scale] = []
        for f in all {
            let windowWidth = Int((Float(w) * f).rounded(.toNearestOrEven)), windowHeight = Int((Float(h) * f).rounded(.toNearestOrEven))
            if let maxSize = p.maxSize, windowWidth > maxSize || windowHeight > maxSize { break }
            if windowWidth < p.minSize || windowHeight < p.minSize { continue }
            result.append(Scale(factor: f, width: Int((Float(width) / f).rounded(.toNearestOrEven)),
                                height: Int((Float(height) / f).rounded(.toNearestOrEven)), step: f >= 2 ? 1 : 2))
        }
        return result
    }

    /// The geometry of one scale's scan.
    public func geometry(_ s: Scale) -> HaarScanGeometry {
        HaarScanGeometry(windowWidth: cascade.windowWidth, windowHeight: cascade.windowHeight, imageWidth: s.width, imageHeight: s.height,
                         step: s.step, featureCount: cascade.featureCount, stumpCount: cascade.stumpCount, stageCount: cascade.stageCount)
    }

    /// Every window hit before grouping, in OpenCV's scan order, in image pixels.
    public func candidates(_ image: GrayImage, _ p: DetectionParameters) throws -> [FaceBox] {
        let scales = scales(width: image.width, height: image.height, p)
        var results: [Tensor] = []
        for s in scales {
            let g = geometry(s)
            let scaled = ExactBilinear.resize(image.pixels, width: image.width, height: image.height, toWidth: s.width, height: s.height)
            let integrals = IntegralImages(pixels: scaled, width: s.width, height: s.height)
            let key = [s.width, s.height, s.step]
            // Regions around tracked faces (`detect(_:_:near:)`) bring new sizes every frame; a
            // bound keeps a long video's memory flat (a full frame's 29 scales stay well under it).
            if buffers[key] == nil && buffers.count >= Self.bufferSizesKept { buffers.removeAll() }
            let tensors = try buffers[key] ?? (try backend.makeTensor([g.integralCount], .int32), try backend.makeTensor([g.integralCount], .int32),
                                               try backend.makeTensor([g.resultCount], .int32))
            buffers[key] = tensors
            try backend.upload(integrals.sum, to: tensors.sum)
            try backend.upload(integrals.squares, to: tensors.squares)
            try backend.haarCascadeScan(g, integral: tensors.sum, squaredIntegral: tensors.squares, features: features, stumps: stumps,
                                        stages: stages, result: tensors.result)
            results.append(tensors.result)
        }
        var boxes: [FaceBox] = []
        for (s, tensor) in zip(scales, results) {
            let g = geometry(s)
            let codes = try backend.ints(tensor)
            let windowWidth = Int((Float(cascade.windowWidth) * s.factor).rounded(.toNearestOrEven))
            let windowHeight = Int((Float(cascade.windowHeight) * s.factor).rounded(.toNearestOrEven))
            for row in 0..<g.rows {
                var column = 0
                while column < g.columns {
                    let code = codes[row * g.columns + column]
                    if code > 0 {
                        boxes.append(FaceBox(x: Int((Float(column * s.step) * s.factor).rounded(.toNearestOrEven)),
                                             y: Int((Float(row * s.step) * s.factor).rounded(.toNearestOrEven)),
                                             width: windowWidth, height: windowHeight))
                    }
                    // OpenCV's scan steps over the next position after a first-stage rejection.
                    column += code == 0 ? 2 : 1
                }
            }
        }
        return boxes
    }

    /// The faces of `image`, grouped as OpenCV groups them.
    public func detect(_ image: GrayImage, _ p: DetectionParameters = DetectionParameters()) throws -> [Detection] {
        RectangleGrouping.group(try candidates(image, p), minNeighbors: p.minNeighbors).map { Detection(box: $0.box, neighbors: $0.neighbors) }
    }

    /// The faces of `image`, found on the picture shrunk to `width` when it is wider (area
    /// averaging, as `GrayImage.resized` shrinks) and mapped back to the picture's pixels; nil
    /// or a narrower picture: `detect(image, p)`. A quarter of the pixels costs about a quarter
    /// of the scan; faces smaller than `minSize` in the shrunken picture are then missed, and the
    /// boxes are no longer OpenCV's on the full picture, which is why it is an explicit choice
    /// (`predict --detect-width`), off by default.
    public func detect(_ image: GrayImage, _ p: DetectionParameters, atWidth width: Int?) throws -> [Detection] {
        guard let width, image.width > width else { return try detect(image, p) }
        let height = max(1, Int((Double(image.height) * Double(width) / Double(image.width)).rounded()))
        let sx = Double(image.width) / Double(width), sy = Double(image.height) / Double(height)
        return try detect(image.resized(width: width, height: height), p).map { d in
            let b = d.box
            return Detection(box: FaceBox(x: Int((Double(b.x) * sx).rounded()), y: Int((Double(b.y) * sy).rounded()),
                                          width: Int((Double(b.width) * sx).rounded()), height: Int((Double(b.height) * sy).rounded())),
                             neighbors: d.neighbors)
        }
    }

    /// How `detect(_:_:near:)` searches around a known face: the box grown by this much of its
    /// side on each side, for windows from 1/`sizeRatio` to `sizeRatio` times its side.
    public static let regionGrowth = 0.5, sizeRatio = 1.5

    /// The faces near `boxes`, for the video frames between full scans (`predict
    /// --full-detect-every`): each box, grown by `regionGrowth` of its side per side and clipped
    /// to the picture, is scanned as a picture of its own for windows within `sizeRatio` of the
    /// box's side (a few scales of a small region instead of every scale of the frame), and the
    /// hits are grouped per region and mapped back. A face found from two overlapping regions is
    /// kept once, with its better-supported box. A face away from every box is not looked for:
    /// that is what the next full scan is for. The boxes are the cascade's on each region, so they
    /// can differ by a pixel or a scale step from a full scan's.
    public func detect(_ image: GrayImage, _ p: DetectionParameters, near boxes: [FaceBox]) throws -> [Detection] {
        var found: [Detection] = []
        for box in boxes {
            let side = max(box.width, box.height), grow = Int((Double(side) * Self.regionGrowth).rounded())
            let x0 = max(box.x - grow, 0), y0 = max(box.y - grow, 0)
            let x1 = min(box.x + box.width + grow, image.width), y1 = min(box.y + box.height + grow, image.height)
            guard x1 - x0 >= cascade.windowWidth, y1 - y0 >= cascade.windowHeight else { continue }
            var local = p
            local.minSize = max(p.minSize, Int((Double(side) / Self.sizeRatio).rounded(.down)))
            let largest = Int((Double(side) * Self.sizeRatio).rounded(.up))
            local.maxSize = min(p.maxSize ?? largest, largest)
            for d in try detect(image.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0), local) {
                let placed = Detection(box: FaceBox(x: d.box.x + x0, y: d.box.y + y0, width: d.box.width, height: d.box.height), neighbors: d.neighbors)
                if let same = found.firstIndex(where: { $0.box.iou(placed.box) >= 0.5 }) {
                    if placed.neighbors > found[same].neighbors { found[same] = placed }
                } else {
                    found.append(placed)
                }
            }
        }
        return found
    }
}
