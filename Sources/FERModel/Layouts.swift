/// The one place where the engine's tensor layouts meet PyTorch's.
///
/// | tensor              | engine                          | PyTorch state_dict          |
/// |---------------------|---------------------------------|-----------------------------|
/// | activations         | NHWC                            | NCHW                        |
/// | conv weight         | [kh, kw, in, out]               | [out, in, kh, kw]           |
/// | dense weight        | [in, out]                       | [out, in]                   |
/// | flattened features  | (h, w, c) order                 | (c, h, w) order             |
/// | vectors             | [n]                             | [n]                         |
///
/// NHWC puts channels innermost, which is the contiguous axis the conv kernels vectorise
/// over; a dense layer after a flatten therefore sees its inputs in (h, w, c) order, and
/// its weight rows are permuted on export so that PyTorch's `torch.flatten` order matches.
public enum ParameterLayout: Equatable, Sendable {
    case vector(Int)
    case convWeight(kernelHeight: Int, kernelWidth: Int, inChannels: Int, outChannels: Int)
    /// `flattenedFrom` is the per-sample [height, width, channels] shape a flatten turned
    /// into this layer's input, or nil when the input was already a feature vector.
    case denseWeight(inFeatures: Int, outFeatures: Int, flattenedFrom: [Int]?)

    public var engineShape: [Int] {
        switch self {
        case let .vector(n): [n]
        case let .convWeight(kh, kw, i, o): [kh, kw, i, o]
        case let .denseWeight(i, o, _): [i, o]
        }
    }

    public var pytorchShape: [Int] {
        switch self {
        case let .vector(n): [n]
        case let .convWeight(kh, kw, i, o): [o, i, kh, kw]
        case let .denseWeight(i, o, _): [o, i]
        }
    }

    /// Engine order -> PyTorch order.
    public func toPyTorch(_ engine: [Float]) -> [Float] {
        var out = engine
        forEachIndexPair { engineIndex, pytorchIndex in out[pytorchIndex] = engine[engineIndex] }
        return out
    }

    /// PyTorch order -> engine order.
    public func fromPyTorch(_ pytorch: [Float]) -> [Float] {
        var out = pytorch
        forEachIndexPair { engineIndex, pytorchIndex in out[engineIndex] = pytorch[pytorchIndex] }
        return out
    }

    /// Calls `body(engineIndex, pytorchIndex)` for every element.
    private func forEachIndexPair(_ body: (Int, Int) -> Void) {
        switch self {
        case let .vector(n):
            for e in 0..<n { body(e, e) }
        case let .convWeight(kh, kw, ic, oc):
            for y in 0..<kh { for x in 0..<kw { for i in 0..<ic { for o in 0..<oc {
                body(((y * kw + x) * ic + i) * oc + o, ((o * ic + i) * kh + y) * kw + x)
            } } } }
        case let .denseWeight(inFeatures, outFeatures, flattenedFrom):
            for i in 0..<inFeatures {
                let pytorchColumn = Self.pytorchFeatureIndex(i, flattenedFrom: flattenedFrom)
                for o in 0..<outFeatures { body(i * outFeatures + o, o * inFeatures + pytorchColumn) }
            }
        }
    }

    /// Where feature i of an (h, w, c)-flattened vector sits in PyTorch's (c, h, w) flatten.
    static func pytorchFeatureIndex(_ i: Int, flattenedFrom shape: [Int]?) -> Int {
        guard let shape, shape.count == 3 else { return i }
        let (h, w, c) = (shape[0], shape[1], shape[2])
        let channel = i % c, column = (i / c) % w, row = i / (c * w)
        return (channel * h + row) * w + column
    }
}
