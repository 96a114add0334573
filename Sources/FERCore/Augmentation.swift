/// Gathering a training batch from the uploaded dataset and augmenting it, per image, with
/// random numbers that depend only on (seed, epoch, dataset index): the same image gets the
/// same transformation in an epoch whatever its batch position, and both backends agree.
///
/// For output pixel p (pixel centres at integer coordinates, image centre c = (w-1)/2, (h-1)/2)
/// the source position is
///     s = R(-angle) (p - c) / scale - t + c          (affine: rotation, scale, translation)
///     s.x = (w - 1) - s.x                            if flipped
///     s += (cropX, cropY)                            (random crop from a zero-padded image)
/// sampled bilinearly with zeros outside the image, then normalised:
///     out = (pixel * pixelScale - mean) / std.
/// With every augmentation off, s = p exactly and the output is the normalised image.
///
/// Draw k (0 flip, 1 angle, 2 scale, 3 tx, 4 ty, 5 crop x, 6 crop y) of dataset image i is
/// `Philox.uniform(seed, stream: epoch, index: i * 8 + k)`.
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
              maxRotation >= minRotation, maxTranslation >= 0, cropPadding >= 0, (0...1).contains(flipProbability) else {
            throw BackendError.invalidArgument(op: op, reason: "invalid augmentation parameters \(self)")
        }
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
