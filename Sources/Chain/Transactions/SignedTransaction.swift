import GensynPrimitives

/// A signed transaction: encode it for `eth_sendRawTransaction`, or decode and check one.
///
/// Decoding is strict: canonical RLP, no leading zeros, exact field counts and sizes, r and s in range
/// with low s (EIP-2), a valid v or y-parity, a recoverable sender, and ``Transaction/validate()``.
public struct SignedTransaction: Hashable, Sendable {
    /// The transaction.
    public let transaction: Transaction
    /// The signature (recovery id = y parity).
    public let signature: Signature
    /// The recovered or signing address.
    public let sender: Address
    /// The EIP-2718 encoding (legacy: the RLP list; typed: type byte ‖ RLP list).
    public let raw: [UInt8]

    init(transaction: Transaction, signature: Signature, sender: Address) {
        self.transaction = transaction
        self.signature = signature
        self.sender = sender
        var out = [UInt8]()
        out.reserveCapacity(160 + transaction.data.count)
        if transaction.type != .legacy { out.append(transaction.type.rawValue) }
        let start = out.count
        transaction.appendFields(to: &out)
        RLP.appendUInt(SignedTransaction.vValue(transaction, signature), to: &out)
        RLP.appendBytes(signature.r.drop { $0 == 0 }, to: &out)
        RLP.appendBytes(signature.s.drop { $0 == 0 }, to: &out)
        RLP.insertListHeader(at: start, in: &out)
        self.raw = out
    }

    /// v as encoded: y parity for typed transactions; 27/28 or chainId·2+35/36 (EIP-155) for legacy.
    static func vValue(_ tx: Transaction, _ sig: Signature) -> UInt64 {
        guard tx.type == .legacy else { return UInt64(sig.recoveryId) }
        guard let chainId = tx.chainId else { return 27 + UInt64(sig.recoveryId) }
        return chainId * 2 + 35 + UInt64(sig.recoveryId)
    }

    /// v as encoded in ``raw``.
    public var v: UInt64 { Self.vValue(transaction, signature) }

    /// The transaction hash: keccak256 of ``raw``.
    public var hash: [UInt8] { Keccak256.hash(raw) }

    /// Decodes and checks a raw transaction.
    /// - Parameter chainId: when set, a transaction for another chain is rejected (``ChainError/Code/invalidChainId``).
    /// - Throws: ``ChainError`` naming the first rule broken.
    public init(raw: some Collection<UInt8>, chainId expectedChainId: UInt64? = nil) throws(ChainError) {
        let bytes = Array(raw)
        guard let first = bytes.first else { throw ChainError(.invalidTransaction, "empty transaction") }
        let type: TransactionType
        let body: [UInt8]
        if first >= 0xc0 {
            type = .legacy
            body = bytes
        } else {
            guard let t = TransactionType(rawValue: first), t != .legacy else {
                throw ChainError(.invalidTransaction, "unsupported transaction type 0x\(String(first, radix: 16))")
            }
            type = t
            body = Array(bytes.dropFirst())
        }
        let fields = try RLP.decode(body).listItems("transaction")
        let expected: Int
        switch type {
        case .legacy: expected = 9
        case .accessList: expected = 11
        case .dynamicFee: expected = 12
        case .blob: expected = 14
        }
        guard fields.count == expected else {
            throw ChainError(.rlpUnexpectedShape, "a type \(type) transaction has \(expected) fields, got \(fields.count)")
        }
        var tx = Transaction(type: type)
        var i = 0
        func next() -> RLPItem { defer { i += 1 }; return fields[i] }
        func u64(_ name: String) throws(ChainError) -> UInt64 { try next().uint64(name) }
        func u256(_ name: String) throws(ChainError) -> UInt256 {
            let b = try next().byteString(name)
            try RLP.checkCanonicalInteger(b, maxBytes: 32, what: name)
            return try! UInt256(bigEndianBytes: b)  // ≤ 32 bytes
        }
        func to() throws(ChainError) -> Address? {
            let b = try next().byteString("to")
            if b.isEmpty { return nil }
            guard b.count == 20 else { throw ChainError(.invalidTransaction, "recipient is \(b.count) bytes, must be 20 (or empty to create)") }
            return Address(unchecked: b)
        }
        func accessList() throws(ChainError) -> [AccessListEntry] {
            try next().listItems("accessList").map { item throws(ChainError) in
                let pair = try item.listItems("access-list entry")
                guard pair.count == 2 else { throw ChainError(.rlpUnexpectedShape, "an access-list entry has 2 fields, got \(pair.count)") }
                let a = try pair[0].byteString("access-list address")
                guard a.count == 20 else { throw ChainError(.invalidTransaction, "access-list address is \(a.count) bytes, must be 20") }
                let keys = try pair[1].listItems("storage keys").map { k throws(ChainError) in
                    let kb = try k.byteString("storage key")
                    guard kb.count == 32 else { throw ChainError(.invalidTransaction, "access-list storage key is \(kb.count) bytes, must be 32") }
                    return kb
                }
                return AccessListEntry(address: Address(unchecked: a), storageKeys: keys)
            }
        }
        if type != .legacy {
            tx.chainId = try u64("chainId")
        }
        tx.nonce = try u64("nonce")
        switch type {
        case .legacy, .accessList: tx.gasPrice = try u256("gasPrice")
        default:
            tx.maxPriorityFeePerGas = try u256("maxPriorityFeePerGas")
            tx.maxFeePerGas = try u256("maxFeePerGas")
        }
        tx.gasLimit = try u64("gasLimit")
        tx.to = try to()
        tx.value = try u256("value")
        tx.data = try next().byteString("data")
        if type != .legacy { tx.accessList = try accessList() }
        if type == .blob {
            tx.maxFeePerBlobGas = try u256("maxFeePerBlobGas")
            tx.blobVersionedHashes = try next().listItems("blobVersionedHashes").map { h throws(ChainError) in try h.byteString("blob hash") }
        }
        let vBytes = try next().byteString("v")
        try RLP.checkCanonicalInteger(vBytes, maxBytes: 32, what: "v")
        let rBytes = try next().byteString("r"), sBytes = try next().byteString("s")
        for (b, name) in [(rBytes, "r"), (sBytes, "s")] {
            do { try RLP.checkCanonicalInteger(b, maxBytes: 32, what: name) } catch {
                throw ChainError(.invalidSignature, "signature \(error.message)")
            }
        }
        let v = try! UInt256(bigEndianBytes: vBytes)
        let parity: UInt8
        if type == .legacy {
            if v == 27 || v == 28 {
                parity = UInt8(try! v.toUInt64() - 27)
            } else {
                guard v > 1 else { throw ChainError(.invalidSignature, "legacy v \(v) is neither 27/28 nor an EIP-155 value ≥ 35") }
                guard v >= 35 else { throw ChainError(.invalidChainId, "legacy v \(v) is neither 27/28 nor an EIP-155 value ≥ 35") }
                guard let v64 = try? v.toUInt64(), v64 <= UInt64.max - 1 else {
                    throw ChainError(.invalidChainId, "legacy v \(v) is neither 27/28 nor an EIP-155 value ≥ 35 with a 64-bit chain id")
                }
                tx.chainId = (v64 - 35) / 2
                parity = UInt8((v64 - 35) % 2)
            }
        } else {
            guard v <= 1 else { throw ChainError(.invalidSignature, "y parity must be 0 or 1, got \(v)") }
            parity = UInt8(try! v.toUInt64())
        }
        if let expectedChainId, let c = tx.chainId, c != expectedChainId {
            throw ChainError(.invalidChainId, "transaction is for chain \(c), expected \(expectedChainId)")
        }
        let sig = try Signature(r: rBytes, s: sBytes, recoveryId: parity)
        guard sig.isLowS else { throw ChainError(.invalidSignature, "signature s is above n/2 (EIP-2)") }
        try tx.validate()
        let sender = try sig.recoverAddress(digest: tx.signingHash)
        self.init(transaction: tx, signature: sig, sender: sender)
        guard self.raw == bytes else {
            throw ChainError(.rlpNonCanonical, "transaction does not re-encode to the same bytes")
        }
    }
}
