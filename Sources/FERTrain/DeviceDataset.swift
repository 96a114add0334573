import FERCore
import FERData

/// A dataset uploaded once to a backend (uint8 images + int32 labels), plus the per-batch
/// tensors that gathering writes into, allocated once per batch size.
public final class DeviceDataset {
    public let dataset: Dataset
    let backend: Backend
    let images: Tensor
    let labels: Tensor
    struct BatchBuffers { let indices, input, labels: Tensor }
    private var buffers: [Int: BatchBuffers] = [:]

    public init(_ dataset: Dataset, on backend: Backend) throws {
        self.dataset = dataset
        self.backend = backend
        images = try backend.makeTensor([max(dataset.count, 1), Dataset.side, Dataset.side], .uint8)
        labels = try backend.makeTensor([max(dataset.count, 1)], .int32)
        if dataset.count > 0 {
            try backend.upload(dataset.images, to: images)
            try backend.upload(dataset.labels, to: labels)
        }
    }

    public var count: Int { dataset.count }

    /// The network input and labels for dataset images `indices`, augmented per `parameters`
    /// (whose batch and imageCount are filled in here).
    public func batch(_ indices: ArraySlice<Int32>, parameters: AugmentParameters) throws -> (input: Tensor, labels: Tensor) {
        let size = indices.count
        let b = try buffers[size] ?? {
            let made = BatchBuffers(indices: try backend.makeTensor([size], .int32),
                                    input: try backend.makeTensor([size, Dataset.side, Dataset.side, 1], .float32),
                                    labels: try backend.makeTensor([size], .int32))
            buffers[size] = made
            return made
        }()
        try backend.upload(Array(indices), to: b.indices)
        var p = parameters
        p.batch = size
        p.imageCount = dataset.count
        try backend.augmentBatch(p, images: images, labels: labels, indices: b.indices, output: b.input, outputLabels: b.labels)
        return (b.input, b.labels)
    }
}
