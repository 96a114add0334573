import Dispatch

/// Runs `body` over `0..<count` in contiguous chunks, on every active core when
/// `parallel` is true.
///
/// `DispatchQueue.concurrentPerform` hands chunks to a pool sized to the machine, so
/// several chunks per core balance uneven work (a few large images among many small
/// ones) without a shared work queue. Chunk boundaries do not affect results: each
/// index writes only its own output slot.
func parallelChunks(_ count: Int, parallel: Bool, minChunk: Int = 64, _ body: @Sendable (Range<Int>) -> Void) {
    guard count > 0 else { return }
    guard parallel, count > minChunk else {
        body(0 ..< count)
        return
    }
    let chunks = min((count + minChunk - 1) / minChunk, 64)
    let size = (count + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = chunk * size
        let end = min(start + size, count)
        if start < end { body(start ..< end) }
    }
}

/// A raw buffer that worker threads write to at disjoint indices.
///
/// Swift cannot prove the indices disjoint, hence `@unchecked Sendable`; `parallelChunks`
/// guarantees it by giving each index to exactly one chunk.
struct SharedMutableBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress!
        count = buffer.count
    }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
