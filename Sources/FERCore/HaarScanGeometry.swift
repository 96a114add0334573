/// One scale of a Haar-cascade face scan (`Backend.haarCascadeScan`), with OpenCV's
/// semantics (cascadedetect.cpp, the "new format" stump path), so that fer-cl's detections
/// can be compared with `CascadeClassifier.detectMultiScale` window by window.
///
/// Layouts:
/// - `integral`, `squaredIntegral`: int32 [integralHeight, integralWidth], the sums of the
///   scaled image's pixels (and squared pixels) above and left of each point, with a zero
///   first row and column. The squared sums wrap modulo 2^32 as OpenCV's CV_32S buffer does;
///   a window's difference is still exact because it is far below 2^31.
/// - `features`: float32 [featureCount, 3, 5]: per rectangle x, y, width, height, weight,
///   relative to the window; an unused third rectangle has weight 0.
/// - `stumps`: float32 [stumpCount, 4]: feature index, threshold, left value, right value.
/// - `stages`: float32 [stageCount, 2]: the stage's stump count and its threshold (already
///   lowered by OpenCV's 1e-5, see `HaarCascade`).
/// - `result`: int32 [rows, columns], window (row, column) at (column * step, row * step):
///   1 when every stage passes, -s when stage s rejects (0 for the first stage), and -1 when
///   the window is too flat to normalise (standard deviation <= 10 grey levels), exactly the
///   codes of OpenCV's `runAt`, which its scan loop relies on (it skips a position after a 0).
///
/// Feature values: the weighted rectangle sums times 1 / sqrt(area * sum(x^2) - sum(x)^2)
/// over the window shrunk by one pixel on each side, in float32; stage sums in float64.
public struct HaarScanGeometry: Hashable, Sendable, CustomStringConvertible {
    public var windowWidth, windowHeight: Int
    public var integralWidth, integralHeight: Int
    public var step: Int
    public var featureCount, stumpCount, stageCount: Int

    public init(windowWidth: Int, windowHeight: Int, imageWidth: Int, imageHeight: Int, step: Int,
                featureCount: Int, stumpCount: Int, stageCount: Int) {
        self.windowWidth = windowWidth; self.windowHeight = windowHeight
        integralWidth = imageWidth + 1; integralHeight = imageHeight + 1
        self.step = step
        self.featureCount = featureCount; self.stumpCount = stumpCount; self.stageCount = stageCount
    }

    /// Window origins along each axis, as OpenCV's working size: the integral's size minus the window's.
    public var positionsX: Int { max(integralWidth - windowWidth, 0) }
    public var positionsY: Int { max(integralHeight - windowHeight, 0) }
    public var columns: Int { (positionsX + step - 1) / step }
    public var rows: Int { (positionsY + step - 1) / step }
    public var resultCount: Int { rows * columns }
    public var integralCount: Int { integralWidth * integralHeight }

    /// Rectangles per feature and numbers per rectangle in `features`.
    public static let rectsPerFeature = 3, valuesPerRect = 5, valuesPerStump = 4, valuesPerStage = 2

    public func validate(op: String) throws {
        guard windowWidth > 2, windowHeight > 2, integralWidth > 1, integralHeight > 1, step > 0,
              featureCount > 0, stumpCount > 0, stageCount > 0 else {
            throw BackendError.invalidArgument(op: op, reason: "invalid Haar scan geometry \(self)")
        }
    }

    public var description: String {
        "window \(windowWidth)x\(windowHeight) image \(integralWidth - 1)x\(integralHeight - 1) step \(step) "
            + "\(stageCount) stages \(stumpCount) stumps \(featureCount) features"
    }
}
