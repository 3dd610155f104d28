import GensynPrimitives

/// A signed transaction: encode it for `eth_sendRawTransaction`, or decode and check one.
///
/// Decoding is strict: canonical RLP, no leading zeros, exact field counts and sizes, r and s in range
/// with low s (EIP-2), a valid v or y-parity, a recoverable sender, and ``Transaction/validate(fork:)``.
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
        let v = SignedTransaction.vValue(transaction, signature)
        let r = Array(signature.r.drop { $0 == 0 }), s = Array(signature.s.drop { $0 == 0 })
        let payload = transaction.fieldsSize + RLPSize.uint(v) + RLPSize.bytes(r) + RLPSize.bytes(s)
        let typed = transaction.type != .legacy
        self.raw = RLP.build(count: (typed ? 1 : 0) + RLPSize.list(payload)) { w in
            if typed { w.byte(transaction.type.rawValue) }
            w.listHeader(payload)
            transaction.writeFields(to: &w)
            w.uint(v)
            w.bytes(r)
            w.bytes(s)
        }
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
    /// - Parameters:
    ///   - chainId: when set, a transaction for another chain is rejected (``ChainError/Code/invalidChainId``).
    ///   - fork: the rules ``Transaction/validate(fork:)`` applies (default: the newest fork).
    /// - Throws: ``ChainError`` naming the first rule broken.
    public init(raw: some Collection<UInt8>, chainId expectedChainId: UInt64? = nil, fork: Fork = .newest) throws(ChainError) {
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
        // Fields are read in place from a validated view: no item tree, no per-field arrays.
        var fields = try RLP.view(body).listItems(in: body, "transaction")
        let expected: Int
        switch type {
        case .legacy: expected = 9
        case .accessList: expected = 11
        case .dynamicFee: expected = 12
        case .blob: expected = 14
        case .setCode: expected = 13
        }
        let count = fields.count
        guard count == expected else {
            throw ChainError(.rlpUnexpectedShape, "a type \(type) transaction has \(expected) fields, got \(count)")
        }
        var tx = Transaction(type: type)
        func next() -> RLPView { fields.next()! }  // count checked above
        func u64(_ name: String) throws(ChainError) -> UInt64 { try next().uint64(in: body, name) }
        func u256(_ item: RLPView, _ name: String) throws(ChainError) -> UInt256 {
            let b = try item.byteString(in: body, name)
            try RLP.checkCanonicalInteger(b, maxBytes: 32, what: name)
            return try! UInt256(bigEndianBytes: b)  // ≤ 32 bytes
        }
        func u256(_ name: String) throws(ChainError) -> UInt256 { try u256(next(), name) }
        func address(_ item: RLPView, _ name: String) throws(ChainError) -> Address {
            let b = try item.byteString(in: body, name)
            guard b.count == 20 else { throw ChainError(.invalidTransaction, "\(name) is \(b.count) bytes, must be 20") }
            return Address(unchecked: Array(b))
        }
        func to() throws(ChainError) -> Address? {
            let b = try next().byteString(in: body, "to")
            if b.isEmpty { return nil }
            guard b.count == 20 else { throw ChainError(.invalidTransaction, "recipient is \(b.count) bytes, must be 20 (or empty to create)") }
            return Address(unchecked: Array(b))
        }
        func accessList() throws(ChainError) -> [AccessListEntry] {
            var out: [AccessListEntry] = []
            for item in try next().listItems(in: body, "accessList") {
                var pair = try item.listItems(in: body, "access-list entry")
                let n = pair.count
                guard n == 2 else { throw ChainError(.rlpUnexpectedShape, "an access-list entry has 2 fields, got \(n)") }
                let a = try address(pair.next()!, "access-list address")
                var keys: [[UInt8]] = []
                for k in try pair.next()!.listItems(in: body, "storage keys") {
                    let kb = try k.byteString(in: body, "storage key")
                    guard kb.count == 32 else { throw ChainError(.invalidTransaction, "access-list storage key is \(kb.count) bytes, must be 32") }
                    keys.append(Array(kb))
                }
                out.append(AccessListEntry(address: a, storageKeys: keys))
            }
            return out
        }
        func authorizationList() throws(ChainError) -> [Authorization] {
            var out: [Authorization] = []
            for item in try next().listItems(in: body, "authorizationList") {
                var f = try item.listItems(in: body, "authorization")
                let n = f.count
                guard n == 6 else { throw ChainError(.rlpUnexpectedShape, "an authorization has 6 fields, got \(n)") }
                let chainId = try u256(f.next()!, "authorization chainId")
                let a = try address(f.next()!, "authorization address")
                let nonce = try f.next()!.uint64(in: body, "authorization nonce")
                let parity = try f.next()!.byteString(in: body, "authorization yParity")
                try RLP.checkCanonicalInteger(parity, maxBytes: 1, what: "authorization yParity")
                let r = try u256(f.next()!, "authorization r"), s = try u256(f.next()!, "authorization s")
                out.append(Authorization(chainId: chainId, address: a, nonce: nonce, yParity: parity.first ?? 0, r: r, s: s))
            }
            return out
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
        tx.data = Array(try next().byteString(in: body, "data"))
        if type != .legacy { tx.accessList = try accessList() }
        if type == .blob {
            tx.maxFeePerBlobGas = try u256("maxFeePerBlobGas")
            var hashes: [[UInt8]] = []
            for h in try next().listItems(in: body, "blobVersionedHashes") { hashes.append(Array(try h.byteString(in: body, "blob hash"))) }
            tx.blobVersionedHashes = hashes
        }
        if type == .setCode { tx.authorizationList = try authorizationList() }
        let vBytes = try next().byteString(in: body, "v")
        try RLP.checkCanonicalInteger(vBytes, maxBytes: 32, what: "v")
        let rBytes = try next().byteString(in: body, "r"), sBytes = try next().byteString(in: body, "s")
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
        try tx.validate(fork: fork)
        let sender = try sig.recoverAddress(digest: tx.signingHash)
        self.init(transaction: tx, signature: sig, sender: sender)
        guard self.raw == bytes else {
            throw ChainError(.rlpNonCanonical, "transaction does not re-encode to the same bytes")
        }
    }
}
