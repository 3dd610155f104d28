import GensynPrimitives

/// The EIP-2718 transaction type.
public enum TransactionType: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// Legacy (RLP list, no type byte), with or without EIP-155 replay protection.
    case legacy = 0
    /// EIP-2930: access list.
    case accessList = 1
    /// EIP-1559: base fee and priority fee.
    case dynamicFee = 2
    /// EIP-4844: blob transaction (decoding and hashing; no blob sidecar).
    case blob = 3
    /// EIP-7702: set-code transaction (an authorization list delegating accounts to code; Prague).
    case setCode = 4

    public var description: String { "0x\(rawValue)" }
}

/// One EIP-2930 access list entry.
public struct AccessListEntry: Hashable, Sendable {
    /// The account touched.
    public var address: Address
    /// 32-byte storage keys.
    public var storageKeys: [[UInt8]]

    /// An entry; each storage key must be 32 bytes (checked when encoding via ``Transaction/validate()``).
    public init(address: Address, storageKeys: [[UInt8]] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

/// The protocol rules a transaction is checked against. Only rules that change static validity or
/// intrinsic gas are distinguished.
public enum Fork: Int, Comparable, Sendable, CustomStringConvertible {
    /// Cancun (EIP-4844 blobs; EIP-3860 init-code limit).
    case cancun
    /// Prague: EIP-7702 set-code transactions and the EIP-7623 calldata floor.
    case prague

    /// The newest fork this library implements; the default everywhere.
    public static let newest = Fork.prague

    public static func < (a: Fork, b: Fork) -> Bool { a.rawValue < b.rawValue }
    public var description: String { self == .cancun ? "Cancun" : "Prague" }
}

/// An unsigned transaction of any type. Fields a type does not use are ignored when encoding.
///
/// ```swift
/// var tx = Transaction(type: .dynamicFee, chainId: 1, nonce: 0, gasLimit: 21_000, to: recipient, value: 1)
/// tx.maxFeePerGas = 30_000_000_000
/// tx.maxPriorityFeePerGas = 1_000_000_000
/// let signed = try tx.signed(with: key)
/// signed.raw   // the bytes for eth_sendRawTransaction
/// ```
public struct Transaction: Hashable, Sendable {
    /// The transaction type.
    public var type: TransactionType
    /// The chain id; `nil` only for a pre-EIP-155 legacy transaction.
    public var chainId: UInt64?
    /// The sender's nonce.
    public var nonce: UInt64
    /// Gas price (legacy and EIP-2930).
    public var gasPrice: UInt256
    /// EIP-1559 priority fee per gas (types 2 and 3).
    public var maxPriorityFeePerGas: UInt256
    /// EIP-1559 max fee per gas (types 2 and 3).
    public var maxFeePerGas: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient; `nil` creates a contract.
    public var to: Address?
    /// Wei sent.
    public var value: UInt256
    /// Calldata or init code.
    public var data: [UInt8]
    /// EIP-2930 access list (types 1, 2, 3).
    public var accessList: [AccessListEntry]
    /// EIP-4844 max fee per blob gas (type 3).
    public var maxFeePerBlobGas: UInt256
    /// EIP-4844 versioned blob hashes, 32 bytes each (type 3).
    public var blobVersionedHashes: [[UInt8]]
    /// EIP-7702 authorizations (type 4).
    public var authorizationList: [Authorization]

    /// A transaction; unset fee fields are zero.
    public init(type: TransactionType = .dynamicFee, chainId: UInt64? = nil, nonce: UInt64 = 0, gasPrice: UInt256 = .zero,
                maxPriorityFeePerGas: UInt256 = .zero, maxFeePerGas: UInt256 = .zero, gasLimit: UInt64 = 21_000,
                to: Address? = nil, value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = [],
                maxFeePerBlobGas: UInt256 = .zero, blobVersionedHashes: [[UInt8]] = [],
                authorizationList: [Authorization] = []) {
        self.type = type
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.maxFeePerBlobGas = maxFeePerBlobGas
        self.blobVersionedHashes = blobVersionedHashes
        self.authorizationList = authorizationList
    }

    // MARK: Encoding (sized first, then written into one buffer of exactly that size)

    var accessListPayloadSize: Int {
        var total = 0
        for e in accessList { total += RLPSize.list(Self.accessEntryPayloadSize(e)) }
        return total
    }

    static func accessEntryPayloadSize(_ e: AccessListEntry) -> Int {
        var keys = 0
        for k in e.storageKeys { keys += RLPSize.bytes(k) }
        return RLPSize.bytes(e.address.bytes) + RLPSize.list(keys)
    }

    var authorizationListPayloadSize: Int {
        var total = 0
        for a in authorizationList { total += RLPSize.list(a.rlpPayloadSize) }
        return total
    }

    var blobHashesPayloadSize: Int {
        var total = 0
        for h in blobVersionedHashes { total += RLPSize.bytes(h) }
        return total
    }

    /// Bytes of the fields every encoding shares, up to (not including) the signature or EIP-155 suffix.
    var fieldsSize: Int {
        var n = RLPSize.uint(nonce) + RLPSize.uint(gasLimit) + (to == nil ? 1 : 21) + RLPSize.uint256(value) + RLPSize.bytes(data)
        switch type {
        case .legacy: n += RLPSize.uint256(gasPrice)
        case .accessList: n += RLPSize.uint(chainId ?? 0) + RLPSize.uint256(gasPrice) + RLPSize.list(accessListPayloadSize)
        case .dynamicFee, .blob, .setCode:
            n += RLPSize.uint(chainId ?? 0) + RLPSize.uint256(maxPriorityFeePerGas) + RLPSize.uint256(maxFeePerGas)
            n += RLPSize.list(accessListPayloadSize)
            if type == .blob { n += RLPSize.uint256(maxFeePerBlobGas) + RLPSize.list(blobHashesPayloadSize) }
            if type == .setCode { n += RLPSize.list(authorizationListPayloadSize) }
        }
        return n
    }

    func writeAccessList(to w: inout RLPWriter) {
        w.listHeader(accessListPayloadSize)
        for e in accessList {
            w.listHeader(Self.accessEntryPayloadSize(e))
            w.bytes(e.address.bytes)
            var keys = 0
            for k in e.storageKeys { keys += RLPSize.bytes(k) }
            w.listHeader(keys)
            for k in e.storageKeys { w.bytes(k) }
        }
    }

    /// Writes the fields counted by ``fieldsSize``.
    func writeFields(to w: inout RLPWriter) {
        func writeTo(_ w: inout RLPWriter) {
            if let to { w.bytes(to.bytes) } else { w.byte(0x80) }
        }
        switch type {
        case .legacy:
            w.uint(nonce)
            w.uint256(gasPrice)
            w.uint(gasLimit)
            writeTo(&w)
            w.uint256(value)
            w.bytes(data)
        case .accessList:
            w.uint(chainId ?? 0)
            w.uint(nonce)
            w.uint256(gasPrice)
            w.uint(gasLimit)
            writeTo(&w)
            w.uint256(value)
            w.bytes(data)
            writeAccessList(to: &w)
        case .dynamicFee, .blob, .setCode:
            w.uint(chainId ?? 0)
            w.uint(nonce)
            w.uint256(maxPriorityFeePerGas)
            w.uint256(maxFeePerGas)
            w.uint(gasLimit)
            writeTo(&w)
            w.uint256(value)
            w.bytes(data)
            writeAccessList(to: &w)
            if type == .blob {
                w.uint256(maxFeePerBlobGas)
                w.listHeader(blobHashesPayloadSize)
                for h in blobVersionedHashes { w.bytes(h) }
            }
            if type == .setCode {
                w.listHeader(authorizationListPayloadSize)
                for a in authorizationList { a.write(to: &w) }
            }
        }
    }

    /// The list payload size and EIP-155 suffix of ``signingPayload``.
    @inline(__always)
    var signingLayout: (payload: Int, eip155: UInt64?, count: Int) {
        var payload = fieldsSize
        let eip155 = type == .legacy ? chainId : nil
        if let eip155 { payload += RLPSize.uint(eip155) + 2 }
        return (payload, eip155, (type == .legacy ? 0 : 1) + RLPSize.list(payload))
    }

    @inline(__always)
    func writeSigningPayload(payload: Int, eip155: UInt64?, to w: inout RLPWriter) {
        if type != .legacy { w.byte(type.rawValue) }
        w.listHeader(payload)
        writeFields(to: &w)
        if let eip155 {
            w.uint(eip155)
            w.byte(0x80)
            w.byte(0x80)
        }
    }

    /// The bytes whose keccak256 is signed.
    public var signingPayload: [UInt8] {
        let l = signingLayout
        return RLP.build(count: l.count) { writeSigningPayload(payload: l.payload, eip155: l.eip155, to: &$0) }
    }

    /// The length of ``signingPayload`` in bytes: reserve this much to encode without reallocating.
    public var signingPayloadCount: Int { signingLayout.count }

    /// Appends ``signingPayload`` to `out`. Allocation-free when `out` has ``signingPayloadCount`` bytes of
    /// spare capacity (e.g. a buffer reused with `removeAll(keepingCapacity: true)`); otherwise it grows once.
    ///
    /// ```swift
    /// var buffer: [UInt8] = []
    /// buffer.reserveCapacity(256)
    /// for tx in transactions {
    ///     buffer.removeAll(keepingCapacity: true)
    ///     tx.appendSigningPayload(to: &buffer)
    ///     // hash or send `buffer`
    /// }
    /// ```
    public func appendSigningPayload(to out: inout [UInt8]) {
        let l = signingLayout
        RLP.append(count: l.count, to: &out) { writeSigningPayload(payload: l.payload, eip155: l.eip155, to: &$0) }
    }

    /// Writes ``signingPayload`` into the free capacity of a caller-provided buffer (for example the span of
    /// `Array.append(addingCapacity:initializingWith:)` or `Array(capacity:initializingWith:)`).
    /// - Throws: ``ChainError/Code/outputTooSmall`` when `output` has fewer than ``signingPayloadCount``
    ///   free bytes; nothing is written then.
    public func encodeSigningPayload(into output: inout OutputSpan<UInt8>) throws(ChainError) {
        let l = signingLayout
        try RLP.write(count: l.count, into: &output) { writeSigningPayload(payload: l.payload, eip155: l.eip155, to: &$0) }
    }

    /// keccak256 of ``signingPayload``: the digest the sender signs (the payload is encoded on the stack).
    public var signingHash: [UInt8] {
        let l = signingLayout
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: l.count) { buffer in
            var w = RLPWriter(base: buffer.baseAddress!, capacity: l.count)
            writeSigningPayload(payload: l.payload, eip155: l.eip155, to: &w)
            precondition(w.position == l.count, "RLPWriter: wrote \(w.position) of \(l.count) bytes")
            return Keccak256.hash(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Signs with `key` (RFC 6979, low s) after checking ``validate(fork:)``.
    public func signed(with key: PrivateKey, fork: Fork = .newest) throws(ChainError) -> SignedTransaction {
        try validate(fork: fork)
        let sig = try key.sign(digest: signingHash)
        return SignedTransaction(transaction: self, signature: sig, sender: key.address)
    }

    /// The gas charged before execution (newest fork, Prague): 21000, +32000 and 2 per init-code word for a
    /// creation, 4 per zero and 16 per non-zero data byte, 2400 per access-list address and 1900 per key,
    /// 25000 (PER_EMPTY_ACCOUNT_COST) per EIP-7702 authorization. Before Prague there are no authorizations,
    /// so the value is the same for Cancun.
    public var intrinsicGas: UInt64 {
        var gas: UInt64 = 21_000
        let zeros = UInt64(data.lazy.filter { $0 == 0 }.count)
        gas += zeros * 4 + (UInt64(data.count) - zeros) * 16
        if to == nil { gas += 32_000 + 2 * UInt64((data.count + 31) / 32) }
        for e in accessList { gas += 2_400 + 1_900 * UInt64(e.storageKeys.count) }
        gas += 25_000 * UInt64(authorizationList.count)
        return gas
    }

    /// EIP-7623 (Prague) calldata floor: 21000 + 10 per calldata token, tokens = zero bytes + 4 × non-zero
    /// bytes. From Prague a transaction must have gas limit ≥ max(``intrinsicGas``, this), and pays at least this.
    public var calldataFloorGas: UInt64 {
        let zeros = UInt64(data.lazy.filter { $0 == 0 }.count)
        return 21_000 + 10 * (zeros + 4 * (UInt64(data.count) - zeros))
    }

    /// The largest init code a creation may carry (EIP-3860).
    public static let maxInitCodeSize = 49_152

    /// Static validity under `fork` (the TransactionTests rules short of the signature): field ranges, fee
    /// consistency, gas limit ≥ intrinsic gas (and, from Prague, ≥ the EIP-7623 calldata floor), init-code
    /// size, access-list and blob-hash sizes, and for set-code transactions a recipient and a non-empty
    /// authorization list (type 4 needs Prague). Authorization signatures are not checked here: a node
    /// skips a bad authorization (see ``Authorization/authority()``).
    /// - Throws: ``ChainError`` with ``ChainError/Code/invalidTransaction``, ``ChainError/Code/intrinsicGasTooLow``
    ///   or ``ChainError/Code/invalidChainId``.
    public func validate(fork: Fork = .newest) throws(ChainError) {
        func fail(_ m: String) -> ChainError { ChainError(.invalidTransaction, m) }
        guard nonce < UInt64.max else { throw fail("nonce 2^64-1 is not allowed (EIP-2681)") }
        if type != .legacy, chainId == nil { throw ChainError(.invalidChainId, "a type \(type) transaction needs a chain id") }
        let price = type == .legacy || type == .accessList ? gasPrice : maxFeePerGas
        guard !UInt256(gasLimit).multipliedReportingOverflow(by: price).overflow else {
            throw fail("gas limit × fee per gas exceeds 2^256-1")
        }
        if type == .setCode {
            guard fork >= .prague else { throw fail("set-code (type 4) transactions start with Prague, not \(fork)") }
            guard to != nil else { throw fail("a set-code transaction cannot create a contract") }
            guard !authorizationList.isEmpty else { throw fail("a set-code transaction needs at least one authorization") }
        }
        if type == .dynamicFee || type == .blob || type == .setCode {
            guard maxPriorityFeePerGas <= maxFeePerGas else {
                throw fail("maxPriorityFeePerGas \(maxPriorityFeePerGas) exceeds maxFeePerGas \(maxFeePerGas)")
            }
        }
        for e in accessList {
            for k in e.storageKeys where k.count != 32 { throw fail("access-list storage key of \(k.count) bytes (must be 32)") }
        }
        if type == .blob {
            guard to != nil else { throw fail("a blob transaction cannot create a contract") }
            guard !blobVersionedHashes.isEmpty else { throw fail("a blob transaction needs at least one blob hash") }
            for h in blobVersionedHashes where h.count != 32 || h[0] != 1 {
                throw fail("blob versioned hash must be 32 bytes starting with 0x01")
            }
        }
        if to == nil, data.count > Self.maxInitCodeSize {
            throw fail("init code of \(data.count) bytes exceeds \(Self.maxInitCodeSize) (EIP-3860)")
        }
        guard gasLimit >= intrinsicGas else {
            throw ChainError(.intrinsicGasTooLow, "gas limit \(gasLimit) is below the intrinsic gas \(intrinsicGas)")
        }
        if fork >= .prague, gasLimit < calldataFloorGas {
            throw ChainError(.intrinsicGasTooLow, "gas limit \(gasLimit) is below the EIP-7623 calldata floor \(calldataFloorGas)")
        }
    }
}
