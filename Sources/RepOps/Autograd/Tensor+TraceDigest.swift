import CGensynRepOps
import GensynPrimitives

extension Tensor {
    /// The digest execution traces record for an op's output (``TraceRecord/outputDigest``).
    /// Anything that compares a tensor with a traced output — a referee checking a checkpoint
    /// tensor against op inputs, a commitment over a checkpoint — uses this, never its own hash.
    ///
    /// Keccak-256 only (so it can be checked on an EVM chain), as a one-level tree so that large
    /// tensors hash with multi-lane SIMD Keccak on every core (Docs/RepOps.md, "Traces"). With
    /// `S` the element bytes of ``canonicalBytes`` (4 per element) and `H` its header:
    /// - `S` ≤ 8 KiB (≤ 2048 elements): `keccak256(H ‖ S)`, which is ``digest``;
    /// - otherwise, cutting `S` into 8 KiB chunks `S₀ … Sₖ₋₁` (the last may be shorter):
    ///   `keccak256("gensyn.repops.trace-tree.v1" ‖ H ‖ u32le(8192) ‖ keccak256(S₀) ‖ … ‖ keccak256(Sₖ₋₁))`.
    ///
    /// The result never depends on `REPOPS_THREADS` or `REPOPS_ISA`.
    public var traceDigest: [UInt8] {
        guard count > Tensor.traceChunkElements else { return streamedDigest }
        return Tensor.traceTreeRoot(shape: shape, chunkDigests: traceChunkDigests() ?? singleStreamChunkDigests())
    }

    /// Bytes per chunk of the trace-digest tree.
    static let traceChunkBytes = 8192
    static let traceChunkElements = traceChunkBytes / 4
    /// Domain separation of tree roots from plain digests.
    static let traceTreeDomain = Array("gensyn.repops.trace-tree.v1".utf8)

    /// Keccak-256 of each 8 KiB chunk of the canonical element bytes (32 bytes per chunk), on the
    /// pool's threads with the multi-lane path (`path`: a `gensyn_keccak_multi_path`; −1 follows
    /// `REPOPS_ISA`). Nil if this CPU has no such path (or out of memory).
    func traceChunkDigests(path: Int32 = -1, threads: Int32 = 0) -> [UInt8]? {
        let chunks = (count + Tensor.traceChunkElements - 1) / Tensor.traceChunkElements
        var out = [UInt8](repeating: 0, count: 32 * chunks)
        let rc = scalars.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                gensyn_trace_chunk_digests_f32(x.baseAddress, x.count, Tensor.traceChunkBytes, o.baseAddress, threads, path)
            }
        }
        return rc == 0 ? out : nil
    }

    /// ``traceChunkDigests(path:threads:)`` one chunk at a time from ``canonicalBytes``.
    func singleStreamChunkDigests() -> [UInt8] {
        let bytes = canonicalBytes.dropFirst(5 + 8 * rank)
        var out: [UInt8] = []
        for start in stride(from: bytes.startIndex, to: bytes.endIndex, by: Tensor.traceChunkBytes) {
            out += Keccak256.hash(bytes[start..<min(start + Tensor.traceChunkBytes, bytes.endIndex)])
        }
        return out
    }

    /// The tree root over `chunkDigests` (concatenated 32-byte chunk digests) for a tensor of `shape`.
    static func traceTreeRoot(shape: [Int], chunkDigests: [UInt8]) -> [UInt8] {
        var k = Keccak256()
        var header = traceTreeDomain
        header.append(float32Tag)
        withUnsafeBytes(of: UInt32(shape.count).littleEndian) { header.append(contentsOf: $0) }
        for d in shape { withUnsafeBytes(of: UInt64(d).littleEndian) { header.append(contentsOf: $0) } }
        withUnsafeBytes(of: UInt32(traceChunkBytes).littleEndian) { header.append(contentsOf: $0) }
        k.update(header)
        k.update(chunkDigests)
        return k.finalize()
    }

    /// ``digest`` computed by streaming: the header, then the scalars' memory directly
    /// (little-endian hosts; NaNs are canonicalised on a copy only when present). Same bytes,
    /// same Keccak-256, without building ``canonicalBytes`` element by element.
    var streamedDigest: [UInt8] {
        #if _endian(little)
        var k = Keccak256()
        var header: [UInt8] = [Tensor.float32Tag]
        withUnsafeBytes(of: UInt32(rank).littleEndian) { header.append(contentsOf: $0) }
        for d in shape { withUnsafeBytes(of: UInt64(d).littleEndian) { header.append(contentsOf: $0) } }
        header.withUnsafeBytes { k.update($0) }
        if scalars.contains(where: { $0.isNaN }) {
            let fixed = scalars.map { $0.isNaN ? Float(bitPattern: 0x7FC0_0000) : $0 }
            fixed.withUnsafeBytes { k.update($0) }
        } else {
            scalars.withUnsafeBytes { k.update($0) }
        }
        return k.finalize()
        #else
        return digest
        #endif
    }
}
