import CGensynSecp256k1

/// A secp256k1 public key (a curve point).
public struct PublicKey: Hashable, Sendable {
    /// The 64-byte uncompressed form X‖Y (without the 0x04 prefix).
    public let uncompressed: [UInt8]

    init(parsed: secp256k1_pubkey) {
        var pub = parsed
        var out = [UInt8](repeating: 0, count: 65)
        var len = 65
        secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, &out, &len, &pub, UInt32(SECP256K1_EC_UNCOMPRESSED))
        uncompressed = Array(out[1...])
    }

    /// Parses a SEC1 key: 33 bytes compressed, 65 bytes uncompressed, or 64 bytes X‖Y.
    /// - Throws: ``ChainError/Code/invalidPublicKey`` when the bytes are not a point on the curve.
    public init(bytes: some Collection<UInt8>) throws(ChainError) {
        var b = Array(bytes)
        if b.count == 64 { b.insert(4, at: 0) }
        var pub = secp256k1_pubkey()
        guard b.count == 33 || b.count == 65,
              secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &pub, b, b.count) == 1
        else { throw ChainError(.invalidPublicKey, "\(bytes.count) bytes are not a secp256k1 public key (SEC1, 33 or 65 bytes)") }
        self.init(parsed: pub)
    }

    /// The 33-byte compressed SEC1 form.
    public var compressed: [UInt8] {
        var pub = parsedKey
        var out = [UInt8](repeating: 0, count: 33)
        var len = 33
        secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, &out, &len, &pub, UInt32(SECP256K1_EC_COMPRESSED))
        return out
    }

    /// The account address: the last 20 bytes of keccak256(X‖Y).
    public var address: Address { try! Address(publicKey: uncompressed) }  // always 64 bytes

    var parsedKey: secp256k1_pubkey {
        var pub = secp256k1_pubkey()
        _ = secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &pub, [4] + uncompressed, 65)
        return pub
    }

    /// Verifies an ECDSA signature `r‖s` (64 bytes) over a 32-byte digest.
    ///
    /// - Parameter allowHighS: accept s > n/2 as plain ECDSA does; Ethereum (EIP-2) requires low S,
    ///   which is the default.
    /// - Returns: false for a malformed, out-of-range or wrong signature.
    public func isValidSignature(_ compact: some Collection<UInt8>, digest: some Collection<UInt8>, allowHighS: Bool = false) -> Bool {
        let c = Array(compact), d = Array(digest)
        guard c.count == 64, d.count == 32 else { return false }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(ctx, &sig, c) == 1 else { return false }
        if allowHighS {
            var normalized = secp256k1_ecdsa_signature()
            secp256k1_ecdsa_signature_normalize(ctx, &normalized, &sig)
            sig = normalized
        }
        var pub = parsedKey
        return secp256k1_ecdsa_verify(ctx, &sig, d, &pub) == 1
    }
}
