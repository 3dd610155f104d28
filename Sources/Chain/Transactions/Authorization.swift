import GensynPrimitives

/// One EIP-7702 authorization: the `authority` (the account that signed it) lets the code at ``address``
/// run for its account. Carried in the authorization list of a type-4 (set-code) transaction.
///
/// Fields hold what the transaction encodes, within the bounds EIP-7702 makes a decoding rule
/// (chain id < 2^256, nonce < 2^64, y parity < 2^8, r and s < 2^256). Whether the signature is usable
/// (y parity 0/1, 0 < r, s < n, s ≤ n/2, a key recovers) is checked per authorization by ``authority()``:
/// a node skips a bad authorization, it does not reject the transaction.
///
/// ```swift
/// let auth = try Authorization.signed(chainId: 1, address: delegate, nonce: 7, with: key)
/// try auth.authority() == key.address   // true
/// ```
public struct Authorization: Hashable, Sendable {
    /// The chain the authorization is valid on; 0 means any chain.
    public var chainId: UInt256
    /// The account whose code the authority delegates to (the zero address clears a delegation).
    public var address: Address
    /// The authority's nonce at the time the authorization is processed.
    public var nonce: UInt64
    /// The signature's y parity (valid: 0 or 1).
    public var yParity: UInt8
    /// Signature r.
    public var r: UInt256
    /// Signature s.
    public var s: UInt256

    /// An authorization from its fields (the signature is checked only by ``authority()``).
    public init(chainId: UInt256, address: Address, nonce: UInt64, yParity: UInt8, r: UInt256, s: UInt256) {
        self.chainId = chainId
        self.address = address
        self.nonce = nonce
        self.yParity = yParity
        self.r = r
        self.s = s
    }

    /// The EIP-7702 magic byte that starts the signed message (keeps it apart from transactions).
    public static let magic: UInt8 = 0x05

    /// `0x05 ‖ rlp([chain_id, address, nonce])`: the message whose keccak256 the authority signs.
    public static func signingPayload(chainId: UInt256, address: Address, nonce: UInt64) -> [UInt8] {
        let payload = RLPSize.uint256(chainId) + RLPSize.bytes(address.bytes) + RLPSize.uint(nonce)
        return RLP.build(count: 1 + RLPSize.list(payload)) { w in
            w.byte(magic)
            w.listHeader(payload)
            w.uint256(chainId)
            w.bytes(address.bytes)
            w.uint(nonce)
        }
    }

    /// keccak256 of ``signingPayload(chainId:address:nonce:)`` for this authorization's fields.
    public var signingHash: [UInt8] {
        Keccak256.hash(Self.signingPayload(chainId: chainId, address: address, nonce: nonce))
    }

    /// Signs an authorization with `key` (RFC 6979, low s).
    public static func signed(chainId: UInt256, address: Address, nonce: UInt64, with key: PrivateKey) throws(ChainError) -> Authorization {
        let digest = Keccak256.hash(signingPayload(chainId: chainId, address: address, nonce: nonce))
        let sig = try key.sign(digest: digest)
        return Authorization(chainId: chainId, address: address, nonce: nonce, yParity: sig.recoveryId,
                             r: try! UInt256(bigEndianBytes: sig.r), s: try! UInt256(bigEndianBytes: sig.s))  // 32 bytes each
    }

    /// The account that signed this authorization.
    /// - Throws: ``ChainError/Code/invalidSignature`` when y parity is not 0/1, r or s is outside 1..<n,
    ///   s > n/2 (EIP-2, as EIP-7702 requires) or no key recovers.
    public func authority() throws(ChainError) -> Address {
        guard yParity <= 1 else { throw ChainError(.invalidSignature, "authorization y parity must be 0 or 1, got \(yParity)") }
        let sig = try Signature(r: r.bigEndianBytes, s: s.bigEndianBytes, recoveryId: yParity)
        guard sig.isLowS else { throw ChainError(.invalidSignature, "authorization signature s is above n/2 (EIP-2)") }
        return try sig.recoverAddress(digest: signingHash)
    }

    /// Bytes of this authorization's RLP list payload.
    var rlpPayloadSize: Int {
        RLPSize.uint256(chainId) + RLPSize.bytes(address.bytes) + RLPSize.uint(nonce) + RLPSize.uint(UInt64(yParity))
            + RLPSize.uint256(r) + RLPSize.uint256(s)
    }

    /// Writes `[chain_id, address, nonce, y_parity, r, s]`.
    func write(to w: inout RLPWriter) {
        w.listHeader(rlpPayloadSize)
        w.uint256(chainId)
        w.bytes(address.bytes)
        w.uint(nonce)
        w.uint(UInt64(yParity))
        w.uint256(r)
        w.uint256(s)
    }
}
