import CGensynKeccak
import GensynPrimitives

/// A 32-byte Keccak-256 digest: a Merkle root, a leaf hash, a tensor digest.
///
/// Stored inline as four 64-bit words (no heap allocation), so trees of digests are flat arrays.
/// Bytes are kept in their hash-output order; ``bytes`` and ``withUnsafeBytes(_:)`` expose them.
///
/// ```swift
/// let d = Digest.keccak(Array("abc".utf8))
/// print(d)            // 0x4e03657a…
/// ```
public struct Digest: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Number of bytes in a digest.
    public static let byteCount = 32

    // Raw memory of the tuple holds the 32 bytes in order (not numeric words).
    var storage: (UInt64, UInt64, UInt64, UInt64)

    /// The all-zero digest.
    public static let zero = Digest(storage: (0, 0, 0, 0))

    init(storage: (UInt64, UInt64, UInt64, UInt64)) { self.storage = storage }

    /// A digest from exactly 32 bytes.
    /// - Throws: ``VerdeError`` `.invalidLength` when `bytes` is not 32 bytes long.
    public init(bytes: some Collection<UInt8>) throws(VerdeError) {
        guard bytes.count == Digest.byteCount else {
            throw VerdeError(.invalidLength, "a digest is 32 bytes, got \(bytes.count)")
        }
        self = .zero
        withUnsafeMutableBytes(of: &storage) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
    }

    /// A digest from 64 hex digits (optional `0x`).
    /// - Throws: ``VerdeError`` `.invalidHex` or `.invalidLength`.
    public init(hex: String) throws(VerdeError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex) } catch { throw VerdeError(.invalidHex, "\(error)") }
        try self.init(bytes: bytes)
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with the 32 bytes, without copying them to the heap.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    /// `0x` + 64 lowercase hex digits.
    public var description: String { Hex.encode(bytes, prefix: true) }

    /// Lexicographic byte order.
    public static func < (lhs: Digest, rhs: Digest) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public static func == (lhs: Digest, rhs: Digest) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
            && lhs.storage.2 == rhs.storage.2 && lhs.storage.3 == rhs.storage.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0); hasher.combine(storage.1)
        hasher.combine(storage.2); hasher.combine(storage.3)
    }

    /// Keccak-256 of `bytes`.
    public static func keccak(_ bytes: some Sequence<UInt8>) -> Digest {
        let contiguous = bytes.withContiguousStorageIfAvailable { keccak(UnsafeRawBufferPointer($0)) }
        return contiguous ?? Array(bytes).withUnsafeBytes { keccak($0) }
    }

    /// Keccak-256 of raw memory, written straight into the digest (no allocation).
    public static func keccak(_ buffer: UnsafeRawBufferPointer) -> Digest {
        var out = Digest.zero
        Swift.withUnsafeMutableBytes(of: &out.storage) { dst in
            gensyn_keccak256(
                buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count,
                dst.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return out
    }
}

/// An incremental Keccak-256 whose result is a ``Digest`` (no intermediate arrays).
struct DigestHasher {
    private var context = gensyn_keccak256_ctx()

    init() { gensyn_keccak256_init(&context) }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        gensyn_keccak256_update(&context, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count)
    }

    mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    mutating func update(_ digest: Digest) { digest.withUnsafeBytes { update($0) } }

    mutating func update(byte: UInt8) { Swift.withUnsafeBytes(of: byte) { update($0) } }

    func finalize() -> Digest {
        var out = Digest.zero
        withUnsafePointer(to: context) { ctx in
            Swift.withUnsafeMutableBytes(of: &out.storage) { dst in
                gensyn_keccak256_final(ctx, dst.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return out
    }
}
