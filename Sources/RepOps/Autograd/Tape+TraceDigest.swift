extension Tape {
    /// Chunk digests kept for reuse: enough for a reshape or a pass-through gradient to find the
    /// tensor it shares storage with.
    static let recentChunkDigestCount = 8

    /// ``Tensor/traceDigest`` of a traced output. A reshape or a gradient passed through unchanged
    /// (`add`, `reshape` backward) shares its input's storage: the chunk digests of a recent
    /// output with the same storage are reused and only the root (which covers the shape) is
    /// recomputed. The cache holds the tensors, so their storage stays alive and its address
    /// cannot be reused for other bytes.
    func traceDigest(_ t: Tensor) -> [UInt8] {
        guard t.count > Tensor.traceChunkElements else { return t.traceDigest }
        let address = t.scalars.withUnsafeBufferPointer { $0.baseAddress }
        if let hit = recentChunkDigests.first(where: { entry in
            entry.tensor.count == t.count && entry.tensor.scalars.withUnsafeBufferPointer { $0.baseAddress } == address
        }) {
            return Tensor.traceTreeRoot(shape: t.shape, chunkDigests: hit.chunks)
        }
        let chunks = t.traceChunkDigests() ?? t.singleStreamChunkDigests()
        if recentChunkDigests.count == Tape.recentChunkDigestCount { recentChunkDigests.removeFirst() }
        recentChunkDigests.append((t, chunks))
        return Tensor.traceTreeRoot(shape: t.shape, chunkDigests: chunks)
    }
}
