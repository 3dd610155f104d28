import CGensynKeccak

/// Keccak-256 as Ethereum uses it (original Keccak padding `0x01`, not NIST SHA3-256's `0x06`).
///
/// This is the project's one hash: commitments must be cheap to check on an EVM chain.
///
/// ```swift
/// let digest = Keccak256.hash(Array("hello".utf8))   // 32 bytes
/// var hasher = Keccak256()
/// hasher.update(Array("hel".utf8)); hasher.update(Array("lo".utf8))
/// assert(hasher.finalize() == digest)
/// ```
public struct Keccak256: Sendable {
    /// Digest length in bytes.
    public static let digestByteCount = 32
    /// Sponge rate in bytes (the block size).
    public static let blockByteCount = 136

    private var context = gensyn_keccak256_ctx()

    /// A hasher with no input yet.
    public init() { gensyn_keccak256_init(&context) }

    /// Absorbs `bytes`.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            gensyn_keccak256_update(&context, buffer.baseAddress, buffer.count)
        }
        if done == nil {
            let array = Array(bytes)
            array.withUnsafeBufferPointer { gensyn_keccak256_update(&context, $0.baseAddress, $0.count) }
        }
    }

    /// Absorbs raw memory.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        gensyn_keccak256_update(&context, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count)
    }

    /// The digest of everything absorbed so far. The hasher stays usable: more input may follow.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        withUnsafePointer(to: context) { ctx in
            out.withUnsafeMutableBufferPointer { gensyn_keccak256_final(ctx, $0.baseAddress) }
        }
        return out
    }

    /// One-shot digest of `bytes`.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = Keccak256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// One-shot digest of raw memory.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer {
            gensyn_keccak256(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, $0.baseAddress)
        }
        return out
    }
}
