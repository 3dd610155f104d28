import GensynPrimitives

extension Tensor {
    /// The digest execution traces record for an op's output (``TraceRecord/outputDigest``).
    /// Anything that compares a tensor with a traced output — a referee checking a checkpoint
    /// tensor against op inputs, a commitment over a checkpoint — uses this, never its own hash.
    public var traceDigest: [UInt8] { streamedDigest }

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
