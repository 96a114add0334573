import FERCore

/// Buffers shared by all nodes of a network for values that live only between two nodes of one
/// pass: the activation gradients of a backward pass (`Network.gradients`), and the values of an
/// inference pass (`Network.inferenceValues`), which no backward pass reads.
///
/// A gradient lives only from the backward step of the node that writes it to the step of the
/// node that produced the value: ResNet-18 at batch 64 has 1.05 GB of such gradients, of which a
/// few tens of MB are alive at once. Owning them per layer kept all of them (peak RSS 2.35 GB);
/// here a buffer returns to the pool as soon as no slot holds a value in it, and the next node
/// to ask reuses it. An inference value lives from its node to its last reader (the graph's
/// reader counts).
///
/// Liveness comes from the pass, which alone knows which values are still held (a tensor a
/// layer returned may be another's value itself: add and flatten pass it on): after each node
/// it calls `keepOnly` with every value it holds. Reuse is safe on an in-order
/// device queue, where a kernel that writes a reused buffer runs after every kernel that read
/// it before. Buffers are allocated on first use and grow-only, so after the first step no
/// step allocates.
public final class BufferPool {
    let backend: Backend
    /// Whole buffers, free or handed out (arrays, not sets: the same steps reuse the same
    /// buffers in every run).
    private var free: [Tensor] = []
    private var handedOut: [Tensor] = []
    /// Bytes of every buffer the pool has allocated.
    public private(set) var allocatedBytes = 0

    public init(backend: Backend) { self.backend = backend }

    /// A buffer for one value of [batch] + sampleShape: the smallest free buffer of the type
    /// that holds it, else a new one. Its contents are whatever the last user left: ops assign
    /// their outputs and backward ops their input gradients (`Backend`), never accumulate.
    public func tensor(batch: Int, sampleShape: [Int], _ dtype: DType = .float32) throws -> Tensor {
        let shape = [batch] + sampleShape
        let count = shape.reduce(1, *)
        let buffer: Tensor
        if let best = free.indices.filter({ free[$0].dtype == dtype && free[$0].count >= count }).min(by: { free[$0].count < free[$1].count }) {
            buffer = free.remove(at: best)
        } else {
            buffer = try backend.makeTensor([count], dtype)
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
