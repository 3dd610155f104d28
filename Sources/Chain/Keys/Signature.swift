import CGensynSecp256k1

/// A recoverable secp256k1 ECDSA signature: r, s and the recovery id (the parity of R's y).
public struct Signature: Hashable, Sendable {
    /// r, 32 bytes big-endian.
    public let r: [UInt8]
    /// s, 32 bytes big-endian.
    public let s: [UInt8]
    /// The recovery id, 0 or 1.
    public let recoveryId: UInt8

    init(unchecked r: [UInt8], _ s: [UInt8], _ recoveryId: UInt8) {
        self.r = r
        self.s = s
        self.recoveryId = recoveryId
    }

    /// A signature from its parts. r and s may be shorter than 32 bytes (big-endian, left-padded).
    /// - Throws: ``ChainError/Code/invalidSignature`` when r or s is zero or ≥ n, or the id is not 0/1.
    public init(r: some Collection<UInt8>, s: some Collection<UInt8>, recoveryId: UInt8) throws(ChainError) {
        func pad(_ x: some Collection<UInt8>, _ name: String) throws(ChainError) -> [UInt8] {
            var b = Array(x.drop { $0 == 0 })
            guard b.count <= 32 else { throw ChainError(.invalidSignature, "signature \(name) is longer than 32 bytes") }
            b = [UInt8](repeating: 0, count: 32 - b.count) + b
            guard b.contains(where: { $0 != 0 }), bigEndianLess(b, secp256k1Order) else {
                throw ChainError(.invalidSignature, "signature \(name) must be in 1..<n (the secp256k1 order)")
            }
            return b
        }
        guard recoveryId <= 1 else { throw ChainError(.invalidSignature, "recovery id must be 0 or 1, got \(recoveryId)") }
        self.r = try pad(r, "r")
        self.s = try pad(s, "s")
        self.recoveryId = recoveryId
    }

    /// Parses the 65-byte `r‖s‖v` form; v may be 0/1 or 27/28.
    public init(rsv: some Collection<UInt8>) throws(ChainError) {
        let b = Array(rsv)
        guard b.count == 65 else { throw ChainError(.invalidSignature, "an r‖s‖v signature is 65 bytes, got \(b.count)") }
        let v = b[64]
        guard v <= 1 || v == 27 || v == 28 else { throw ChainError(.invalidSignature, "v must be 0, 1, 27 or 28, got \(v)") }
        try self.init(r: b[0..<32], s: b[32..<64], recoveryId: v >= 27 ? v - 27 : v)
    }

    /// `r‖s‖v` with v = 27 + recovery id (the form `personal_sign` returns).
    public var rsv: [UInt8] { r + s + [27 + recoveryId] }

    /// `r‖s` (64 bytes).
    public var compact: [UInt8] { r + s }

    /// True when s ≤ n/2 (EIP-2).
    public var isLowS: Bool { !bigEndianLess(secp256k1HalfOrder, s) }

    /// Recovers the public key that made this signature over `digest`.
    /// - Throws: ``ChainError/Code/invalidSignature`` when no key recovers (or S is high: EIP-2).
    public func recoverPublicKey(digest: some Collection<UInt8>) throws(ChainError) -> PublicKey {
        let d = Array(digest)
        guard d.count == 32 else { throw ChainError(.invalidLength, "a digest is 32 bytes, got \(d.count)") }
        guard isLowS else { throw ChainError(.invalidSignature, "signature s is above n/2 (EIP-2 requires low s)") }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, compact, Int32(recoveryId)) == 1 else {
            throw ChainError(.invalidSignature, "r or s is out of range")
        }
        var pub = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(ctx, &pub, &sig, d) == 1 else {
            throw ChainError(.invalidSignature, "no public key recovers from this signature and digest")
        }
        return PublicKey(parsed: pub)
    }

    /// Recovers the signer's address.
    public func recoverAddress(digest: some Collection<UInt8>) throws(ChainError) -> Address {
        try recoverPublicKey(digest: digest).address
    }
}
