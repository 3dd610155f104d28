import GensynPrimitives

extension Transaction {
    /// A transaction from the JSON wallets and eth-account use: `type`, `chainId`, `nonce`, `gasPrice`, `gas`
    /// (or `gasLimit`), `to`, `value`, `data` (or `input`), `maxFeePerGas`, `maxPriorityFeePerGas`,
    /// `accessList` (`address`, `storageKeys`), `maxFeePerBlobGas`, `blobVersionedHashes`, `authorizationList`
    /// (`chainId`, `address`, `nonce`, `yParity`, `r`, `s`, as eth-account's signed authorizations).
    /// Numbers as JSON numbers, decimal strings or 0x-hex.
    ///
    /// Without `type`: 4 when `authorizationList` is present, 2 when `maxFeePerGas` is, 1 when `accessList` is,
    /// else legacy.
    /// - Throws: ``ChainError`` naming the field.
    public init(json: JSONValue) throws(ChainError) {
        guard json.objectValue != nil else { throw ChainError(.invalidTransaction, "a transaction is a JSON object") }
        func number(_ key: String) throws(ChainError) -> UInt256? {
            guard let v = json[key], v != .null else { return nil }
            return try ABIValue.parseUInt(v, what: key)
        }
        func u64(_ key: String) throws(ChainError) -> UInt64? {
            guard let v = try number(key) else { return nil }
            guard let x = try? v.toUInt64() else { throw ChainError(.invalidInteger, "\(key) \(v) does not fit in 64 bits") }
            return x
        }
        let type: TransactionType
        if let t = try u64("type") {
            guard t <= 4, let tt = TransactionType(rawValue: UInt8(t)) else { throw ChainError(.invalidTransaction, "unknown transaction type \(t)") }
            type = tt
        } else if json["authorizationList"] != nil {
            type = .setCode
        } else if json["maxFeePerGas"] != nil {
            type = .dynamicFee
        } else if json["accessList"] != nil {
            type = .accessList
        } else {
            type = .legacy
        }
        self.init(type: type)
        chainId = try u64("chainId")
        nonce = try u64("nonce") ?? 0
        gasPrice = try number("gasPrice") ?? .zero
        maxFeePerGas = try number("maxFeePerGas") ?? .zero
        maxPriorityFeePerGas = try number("maxPriorityFeePerGas") ?? .zero
        maxFeePerBlobGas = try number("maxFeePerBlobGas") ?? .zero
        if let g = try u64("gas") { gasLimit = g } else { gasLimit = try u64("gasLimit") ?? 21_000 }
        value = try number("value") ?? .zero
        if let t = json["to"], t != .null, let s = t.stringValue, !s.isEmpty, s != "0x" {
            to = try Address(s)
        }
        if let d = (json["data"] ?? json["input"])?.stringValue { data = try Hex.chainDecode(d, what: "data") }
        if let list = json["accessList"]?.arrayValue {
            accessList = try list.map { e throws(ChainError) in
                guard let a = e["address"]?.stringValue else { throw ChainError(.invalidTransaction, "access-list entry without an address") }
                let keys = try (e["storageKeys"]?.arrayValue ?? []).map { k throws(ChainError) in
                    try Hex.chainDecode(k.stringValue ?? "", count: 32, what: "storage key")
                }
                return AccessListEntry(address: try Address(a), storageKeys: keys)
            }
        }
        if let list = json["authorizationList"]?.arrayValue {
            authorizationList = try list.map { e throws(ChainError) in
                func field(_ key: String) throws(ChainError) -> UInt256 {
                    guard let v = e[key], v != .null else { throw ChainError(.invalidTransaction, "authorization without \(key)") }
                    return try ABIValue.parseUInt(v, what: "authorization \(key)")
                }
                guard let a = e["address"]?.stringValue else { throw ChainError(.invalidTransaction, "authorization without an address") }
                let nonceValue = try field("nonce"), parityValue = try field("yParity")
                guard let nonce = try? nonceValue.toUInt64() else { throw ChainError(.invalidInteger, "authorization nonce must fit in 64 bits") }
                guard let parity = try? parityValue.toUInt64(), parity <= 255 else {
                    throw ChainError(.invalidInteger, "authorization yParity must fit in 8 bits")
                }
                return Authorization(chainId: try field("chainId"), address: try Address(a), nonce: nonce, yParity: UInt8(parity),
                                     r: try field("r"), s: try field("s"))
            }
        }
        if let hashes = json["blobVersionedHashes"]?.arrayValue {
            blobVersionedHashes = try hashes.map { h throws(ChainError) in try Hex.chainDecode(h.stringValue ?? "", count: 32, what: "blob hash") }
        }
    }
}

extension SignedTransaction {
    /// Every field as JSON (numbers as 0x-hex quantities, as JSON-RPC returns them), plus `hash`, `sender`,
    /// `intrinsicGas`, `calldataFloorGas` (EIP-7623), `v`, `r`, `s`, `yParity`; each authorization of a set-code
    /// transaction also gets its recovered `authority` (`null` when its signature is unusable).
    public var json: JSONValue {
        let tx = transaction
        func q(_ v: UInt256) -> JSONValue { .string(v.hexString) }
        func q64(_ v: UInt64) -> JSONValue { .string("0x" + String(v, radix: 16)) }
        var o: [(String, JSONValue)] = [
            ("type", q64(UInt64(tx.type.rawValue))),
            ("hash", .string(Hex.encode(hash, prefix: true))),
            ("sender", .string(sender.checksummed)),
            ("chainId", tx.chainId.map(q64) ?? .null),
            ("intrinsicGas", q64(tx.intrinsicGas)),
            ("calldataFloorGas", q64(tx.calldataFloorGas)),
            ("nonce", q64(tx.nonce)),
        ]
        switch tx.type {
        case .legacy, .accessList: o.append(("gasPrice", q(tx.gasPrice)))
        default:
            o.append(("maxPriorityFeePerGas", q(tx.maxPriorityFeePerGas)))
            o.append(("maxFeePerGas", q(tx.maxFeePerGas)))
        }
        o.append(("gas", q64(tx.gasLimit)))
        o.append(("to", tx.to.map { .string($0.checksummed) } ?? .null))
        o.append(("value", q(tx.value)))
        o.append(("data", .string(Hex.encode(tx.data, prefix: true))))
        if tx.type != .legacy {
            o.append(("accessList", .array(tx.accessList.map { e in
                .object([("address", .string(e.address.checksummed)),
                         ("storageKeys", .array(e.storageKeys.map { .string(Hex.encode($0, prefix: true)) }))])
            })))
        }
        if tx.type == .blob {
            o.append(("maxFeePerBlobGas", q(tx.maxFeePerBlobGas)))
            o.append(("blobVersionedHashes", .array(tx.blobVersionedHashes.map { .string(Hex.encode($0, prefix: true)) })))
        }
        if tx.type == .setCode {
            o.append(("authorizationList", .array(tx.authorizationList.map { a in
                .object([("chainId", q(a.chainId)), ("address", .string(a.address.checksummed)), ("nonce", q64(a.nonce)),
                         ("yParity", q64(UInt64(a.yParity))), ("r", q(a.r)), ("s", q(a.s)),
                         ("authority", (try? a.authority()).map { .string($0.checksummed) } ?? .null)])
            })))
        }
        o.append(("v", q64(v)))
        if tx.type != .legacy { o.append(("yParity", q64(UInt64(signature.recoveryId)))) }
        o.append(("r", .string(Hex.encode(signature.r, prefix: true))))
        o.append(("s", .string(Hex.encode(signature.s, prefix: true))))
        return .object(o)
    }
}
