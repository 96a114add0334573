import FERCore
import FERData
import FERModel

/// A dataset uploaded once to a backend (uint8 images + int32 labels), plus the per-batch
/// tensors that gathering writes into (allocated for the largest batch, viewed for smaller ones).
/// It keeps no host copy of the images (the labels only, 4 bytes an image): once the caller
/// lets go of the `Dataset`, its 2,304 bytes an image are freed (74 MB for FER-2013, which
/// POCL holds a second time in host memory as the device copy).
public final class DeviceDataset {
    /// The dataset's labels, on the host (evaluation compares predictions with them).
    public let hostLabels: [Int32]
    let backend: Backend
    let images: Tensor
    let labels: Tensor
    private let buffers: BatchBuffers
    private var uploadedOrderCount = 0

    public init(_ dataset: Dataset, on backend: Backend) throws {
        hostLabels = dataset.labels
        self.backend = backend
        images = try backend.makeTensor([max(dataset.count, 1), Dataset.side, Dataset.side], .uint8)
        labels = try backend.makeTensor([max(dataset.count, 1)], .int32)
        buffers = BatchBuffers(backend: backend)
        if dataset.count > 0 {
            try backend.upload(dataset.images, to: images)
            try backend.upload(dataset.labels, to: labels)
        }
    }

    public var count: Int { hostLabels.count }

    /// Uploads an epoch's order of dataset indices once; `batch(at:)` then reads slices of it
    /// on the device, so no step writes to the device.
    func upload(order: [Int32]) throws {
        let tensor = try buffers.tensor("order", batch: order.count, sampleShape: [], .int32)
        try backend.upload(order, to: tensor)
        uploadedOrderCount = order.count
    }

    /// The batch of positions `positions` of the order last given to `upload(order:)`.
    func batch(at positions: Range<Int>, parameters: AugmentParameters) throws -> (input: Tensor, labels: Tensor) {
        guard positions.upperBound <= uploadedOrderCount else {
            throw BackendError.invalidArgument(op: "batch", reason: "positions \(positions) beyond the \(uploadedOrderCount) uploaded with upload(order:)")
        }
        let order = try buffers.tensor("order", batch: positions.upperBound, sampleShape: [], .int32)
        return try gather(indices: order, first: positions.lowerBound, count: positions.count, parameters: parameters)
    }

    /// The network input and labels for dataset images `indices`, augmented per `parameters`
    /// (whose batch and imageCount are filled in here).
    public func batch(_ indices: ArraySlice<Int32>, parameters: AugmentParameters) throws -> (input: Tensor, labels: Tensor) {
        let indexTensor = try buffers.tensor("indices", batch: indices.count, sampleShape: [], .int32)
        try backend.upload(Array(indices), to: indexTensor)
        return try gather(indices: indexTensor, first: 0, count: indices.count, parameters: parameters)
    }

    /// Gathers and augments images indices[first ..< first + count] into the batch buffers.
    private func gather(indices: Tensor, first: Int, count: Int, parameters: AugmentParameters) throws -> (input: Tensor, labels: Tensor) {
        let input = try buffers.tensor("input", batch: count, sampleShape: [Dataset.side, Dataset.side, 1])
        let batchLabels = try buffers.tensor("labels", batch: count, sampleShape: [], .int32)
        var p = parameters
        p.batch = count
        p.firstIndex = first
        p.imageCount = self.count
        try backend.augmentBatch(p, images: images, labels: labels, indices: indices, output: input, outputLabels: batchLabels)
        return (input, batchLabels)
    }
}
