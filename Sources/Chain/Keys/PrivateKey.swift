import CGensynSecp256k1
import GensynPrimitives

/// A secp256k1 private key: 32 bytes, non-zero and below the curve order.
///
/// ```swift
/// let key = try PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
/// let sig = try key.sign(digest: Keccak256.hash(Array("hi".utf8)))
/// assert(try sig.recoverAddress(digest: Keccak256.hash(Array("hi".utf8))) == key.address)
/// ```
///
/// `description` never prints the key.
public struct PrivateKey: Hashable, Sendable, CustomStringConvertible {
    /// The 32 secret bytes, big-endian.
    public let bytes: [UInt8]
    /// The matching public key.
    public let publicKey: PublicKey

    /// A key from 32 bytes.
    /// - Throws: ``ChainError/Code/invalidPrivateKey`` when not 32 bytes, zero, or ≥ the curve order.
    public init(bytes: some Collection<UInt8>) throws(ChainError) {
        let b = Array(bytes)
        guard b.count == 32 else { throw ChainError(.invalidPrivateKey, "a private key is 32 bytes, got \(b.count)") }
        let ctx = Secp256k1Context.shared.pointer
        guard secp256k1_ec_seckey_verify(ctx, b) == 1 else {
            throw ChainError(.invalidPrivateKey, "a private key must be non-zero and below the secp256k1 order")
        }
        var pub = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(ctx, &pub, b) == 1 else {
            throw ChainError(.invalidPrivateKey, "libsecp256k1 rejected the private key")
        }
        self.bytes = b
        self.publicKey = PublicKey(parsed: pub)
    }

    /// A key from hex (`0x` optional).
    public init(hex: some StringProtocol) throws(ChainError) {
        let b: [UInt8]
        do { b = try Hex.decode(hex) } catch { throw ChainError(.invalidPrivateKey, "private key: \(error.message)") }
        try self.init(bytes: b)
    }

    /// A fresh random key from the system's secure generator.
    public static func random() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            let b = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if let k = try? PrivateKey(bytes: b) { return k }
        }
    }

    /// The account address of this key.
    public var address: Address { publicKey.address }

    /// Signs a 32-byte digest: deterministic nonce (RFC 6979), low S (EIP-2), with recovery id.
    /// - Throws: ``ChainError/Code/invalidLength`` when `digest` is not 32 bytes.
    public func sign(digest: some Collection<UInt8>) throws(ChainError) -> Signature {
        let d = Array(digest)
        guard d.count == 32 else { throw ChainError(.invalidLength, "a digest to sign is 32 bytes, got \(d.count)") }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_sign_recoverable(ctx, &sig, d, bytes, nil, nil) == 1 else {
            throw ChainError(.invalidSignature, "libsecp256k1 could not sign (nonce generation failed)")
        }
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &sig)
        return Signature(unchecked: Array(compact[0..<32]), Array(compact[32..<64]), UInt8(recid))
    }

    /// Signs an EIP-191 personal message (`personal_sign`).
    public func signPersonalMessage(_ message: some Collection<UInt8>) -> Signature {
        try! sign(digest: PersonalMessage.hash(message))  // the hash is always 32 bytes
    }

    public var description: String { "PrivateKey(address: \(address))" }
}

/// EIP-191 version 0x45 ("personal_sign") messages.
public enum PersonalMessage {
    /// keccak256("\u{19}Ethereum Signed Message:\n" + decimal length + message).
    public static func hash(_ message: some Collection<UInt8>) -> [UInt8] {
        var h = Keccak256()
        h.update(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        h.update(Array(message))
        return h.finalize()
    }
}
