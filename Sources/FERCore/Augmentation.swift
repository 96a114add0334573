/// Gathering a training batch from the uploaded dataset and augmenting it, per image, with
/// random numbers that depend only on (seed, epoch, dataset index): the same image gets the
/// same transformation in an epoch whatever its batch position, and both backends agree.
///
/// For output pixel p (pixel centres at integer coordinates, image centre c = (w-1)/2, (h-1)/2)
/// the source position is
///     s = R(-angle) (p - c) / scale - t + c          (affine: rotation, scale, translation)
///     s.x = (w - 1) - s.x                            if flipped
///     s += (cropX, cropY)                            (random crop from a zero-padded image)
///     s += (viewOffsetX, viewOffsetY)                (a fixed view: test-time ten-crop)
/// sampled bilinearly with zeros outside the image, then normalised:
///     out = (pixel * pixelScale - mean) / std.
/// Random erasing (Zhong et al. 2020) then sets a rectangle of the output to 0 with probability
/// `erasingProbability`: its sides are uniform integers in [0.2, 0.6] of the image's (area 4-36%,
/// aspect 1/3-3, near torchvision's RandomErasing defaults of 2-33% and 0.3-3.3), its corner uniform
/// over the positions where it fits. Integer sides from products and truncations, not
/// torchvision's log-uniform aspect, so both backends draw bit-identical rectangles.
/// With every augmentation off, s = p exactly and the output is the normalised image.
///
/// Draw k (0 flip, 1 angle, 2 scale, 3 tx, 4 ty, 5 crop x, 6 crop y) of dataset image i is
/// `Philox.uniform(seed, stream: epoch, index: i * 8 + k)`; the erasing draws k (0 whether,
/// 1 height, 2 width, 3 top, 4 left) come from stream `epoch | 1 << 63`, so adding them changed
/// none of the earlier draws (runs from before erasing existed resume exactly).
public struct AugmentParameters: Hashable, Sendable {
    /// Images in the batch.
    public var batch: Int
    /// The batch is indices[firstIndex ..< firstIndex + batch] (the indices tensor holds exactly
    /// firstIndex + batch entries, e.g. a prefix view of a whole epoch's order), so training
    /// uploads an epoch's order once instead of writing to the device before every step.
    public var firstIndex = 0
    /// Images in the uploaded dataset.
    public var imageCount: Int
    public var height: Int
    public var width: Int
    public var seed: UInt64
    public var epoch: UInt64
    public var flipProbability: Float = 0
    /// The angle, in degrees, is uniform in [minRotation, maxRotation].
    public var minRotation: Float = 0
    public var maxRotation: Float = 0
    /// The zoom factor is uniform in [minScale, maxScale].
    public var minScale: Float = 1
    public var maxScale: Float = 1
    /// Translation in pixels, uniform in [-maxTranslation, maxTranslation] per axis.
    public var maxTranslation: Float = 0
    /// Random crop offset, an integer uniform in [-cropPadding, cropPadding] per axis.
    public var cropPadding: Int = 0
    /// Probability that a random rectangle of the image is erased (set to 0 after normalisation).
    public var erasingProbability: Float = 0
    /// A fixed shift of the sampled window, the same for every image: the views of test-time
    /// ten-crop (the corners and centre of the image padded as training cropped it).
    public var viewOffsetX = 0
    public var viewOffsetY = 0
    public var pixelScale: Float = 1.0 / 255.0
    public var mean: Float = 0
    public var std: Float = 1

    public init(batch: Int, imageCount: Int, height: Int = 48, width: Int = 48, seed: UInt64 = 0, epoch: UInt64 = 0) {
        self.batch = batch; self.imageCount = imageCount; self.height = height; self.width = width
        self.seed = seed; self.epoch = epoch
    }

    public var pixelsPerImage: Int { height * width }
    public var outputCount: Int { batch * pixelsPerImage }
    public var indexCount: Int { firstIndex + batch }

    public func validate(op: String) throws {
        guard batch > 0, firstIndex >= 0, imageCount > 0, height > 0, width > 0, std > 0, minScale > 0, maxScale >= minScale,
              maxRotation >= minRotation, maxTranslation >= 0, cropPadding >= 0, (0...1).contains(flipProbability),
              (0...1).contains(erasingProbability), abs(viewOffsetX) < width, abs(viewOffsetY) < height else {
            throw BackendError.invalidArgument(op: op, reason: "invalid augmentation parameters \(self)")
        }
    }

    /// The Philox stream of the erasing draws: apart from the geometric draws' streams (the epochs).
    public static let erasingStreamBit: UInt64 = 1 << 63

    /// The rectangle erased in one image (rows top..<top+height, columns left..<left+width), or nil.
    public func erasedRectangle(forImage index: Int) -> (top: Int, left: Int, height: Int, width: Int)? {
        guard erasingProbability > 0 else { return nil }
        func u(_ k: UInt64) -> Float { Philox.uniform(seed: seed, stream: epoch | Self.erasingStreamBit, index: UInt64(index) &* 8 &+ k) }
        guard u(0) < erasingProbability else { return nil }
        func side(_ length: Int, _ draw: Float) -> Int {
            let low = max(1, length / 5), high = max(low, length * 3 / 5)
            return low + min(Int(draw * Float(high - low + 1)), high - low)
        }
        let h = side(height, u(1)), w = side(width, u(2))
        return (top: min(Int(u(3) * Float(height - h + 1)), height - h), left: min(Int(u(4) * Float(width - w + 1)), width - w),
                height: h, width: w)
    }

    /// The random draws of one image.
    public func draws(forImage index: Int) -> (flip: Bool, angle: Float, scale: Float, tx: Float, ty: Float, cropX: Int, cropY: Int) {
        func u(_ k: UInt64) -> Float { Philox.uniform(seed: seed, stream: epoch, index: UInt64(index) &* 8 &+ k) }
        let span = Float(2 * cropPadding + 1)
        return (flip: u(0) < flipProbability,
                angle: minRotation + u(1) * (maxRotation - minRotation),
                scale: minScale + u(2) * (maxScale - minScale),
                tx: (2 * u(3) - 1) * maxTranslation,
                ty: (2 * u(4) - 1) * maxTranslation,
                cropX: min(Int(u(5) * span), 2 * cropPadding) - cropPadding,
                cropY: min(Int(u(6) * span), 2 * cropPadding) - cropPadding)
    }
}
