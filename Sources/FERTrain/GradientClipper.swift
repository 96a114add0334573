import FERCore
import FERModel

/// Scales every gradient so their global L2 norm is at most `maxNorm`, as
/// torch.nn.utils.clip_grad_norm_ does, with the norm kept on the device (no host sync).
public final class GradientClipper {
    public let maxNorm: Float
    let backend: Backend
    let sumOfSquares: Tensor
    let zero: Tensor

    public init(maxNorm: Float, backend: Backend) throws {
        self.maxNorm = maxNorm
        self.backend = backend
        sumOfSquares = try backend.makeTensor([1], .float32)
        zero = try backend.makeTensor([1], .float32)
    }

    public func clip(_ parameters: [Parameter]) throws {
        // A device-side copy zeroes the sum: a host write would wait for the queue.
        try backend.emaUpdate(decay: 0, average: sumOfSquares, value: zero)
        for parameter in parameters { try backend.squaredNormAdd(gradient: parameter.gradient, sumOfSquares: sumOfSquares) }
        for parameter in parameters { try backend.clipByNorm(gradient: parameter.gradient, sumOfSquares: sumOfSquares, maxNorm: maxNorm) }
    }
}
