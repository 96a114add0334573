/// An NHWC activation [batch, height, width, channels] seen per (image, channel): global
/// average pooling reduces it to [batch, channels], and squeeze-and-excitation's channel-wise
/// scale multiplies it by a [batch, channels] tensor.
public struct FeatureMapGeometry: Hashable, Sendable, CustomStringConvertible {
    public var batch, height, width, channels: Int

    public init(batch: Int, height: Int, width: Int, channels: Int) {
        self.batch = batch; self.height = height; self.width = width; self.channels = channels
    }

    /// Pixels of one image: the length of each per-(image, channel) sum.
    public var pixels: Int { height * width }
    /// Elements of the feature map.
    public var count: Int { batch * height * width * channels }
    /// Elements of a per-(image, channel) tensor: a pooled output, a scale or its gradient.
    public var pooledCount: Int { batch * channels }

    public func validate(op: String) throws {
        guard batch > 0, height > 0, width > 0, channels > 0 else {
            throw BackendError.invalidArgument(op: op, reason: "a feature map needs positive sizes, got \(self)")
        }
    }

    public var description: String { "n\(batch) \(height)x\(width)x\(channels)" }
}
