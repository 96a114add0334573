import FERCore

/// The buffers a network's backward pass keeps its activation gradients in, shared by all
/// nodes. A gradient lives only from the backward step of the node that writes it to the step
/// of the node that produced the value (the value's last reader, going backwards, is the first
/// to hand it on): ResNet-18 at batch 64 has 1.05 GB of such gradients, of which a few tens of
/// MB are alive at once. Owning them per layer kept all of them (peak RSS 2.35 GB); here a
/// buffer returns to the pool as soon as no slot holds a gradient in it, and the next node
/// to ask reuses it.
///
/// Liveness comes from the pass, which alone knows which gradients are still held (a tensor a
/// layer returned may be another's output gradient itself: add and flatten pass it on): after
/// each node it calls `keepOnly` with every gradient it holds. Reuse is safe on an in-order
/// device queue, where a kernel that writes a reused buffer runs after every kernel that read
/// it before. Buffers are allocated on first use and grow-only, so after the first step no
/// step allocates.
public final class GradientPool {
    let backend: Backend
    /// Whole buffers, free or handed out (arrays, not sets: the same steps reuse the same
    /// buffers in every run).
    private var free: [Tensor] = []
    private var handedOut: [Tensor] = []
    /// Bytes of every buffer the pool has allocated.
    public private(set) var allocatedBytes = 0

    public init(backend: Backend) { self.backend = backend }

    /// A float buffer for one gradient of [batch] + sampleShape: the smallest free buffer that
    /// holds it, else a new one. Its contents are whatever the last user left: backward ops
    /// assign their input gradients (`Backend`), never accumulate into them.
    public func tensor(batch: Int, sampleShape: [Int]) throws -> Tensor {
        let shape = [batch] + sampleShape
        let count = shape.reduce(1, *)
        let buffer: Tensor
        if let best = free.indices.filter({ free[$0].count >= count }).min(by: { free[$0].count < free[$1].count }) {
            buffer = free.remove(at: best)
        } else {
            buffer = try backend.makeTensor([count], .float32)
            allocatedBytes += buffer.byteCount
        }
        handedOut.append(buffer)
        return try buffer.prefix(shape)
    }

    /// Returns to the pool every handed-out buffer that none of `live` is a view of.
    public func keepOnly(_ live: [Tensor?]) {
        let held = Set(live.compactMap { $0.map { ObjectIdentifier($0.storage) } })
        free += handedOut.filter { !held.contains(ObjectIdentifier($0.storage)) }
        handedOut.removeAll { !held.contains(ObjectIdentifier($0.storage)) }
    }
}
