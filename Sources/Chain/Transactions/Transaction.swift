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

    /// A transaction; unset fee fields are zero.
    public init(type: TransactionType = .dynamicFee, chainId: UInt64? = nil, nonce: UInt64 = 0, gasPrice: UInt256 = .zero,
                maxPriorityFeePerGas: UInt256 = .zero, maxFeePerGas: UInt256 = .zero, gasLimit: UInt64 = 21_000,
                to: Address? = nil, value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = [],
                maxFeePerBlobGas: UInt256 = .zero, blobVersionedHashes: [[UInt8]] = []) {
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
    }

    // MARK: Encoding

    /// Appends a canonical RLP integer straight from the limbs (no intermediate arrays: this is the hot path
    /// of transaction encoding).
    static func appendUInt256(_ v: UInt256, to out: inout [UInt8]) {
        let n = (v.bitLength + 7) / 8
        if n == 0 { out.append(0x80); return }
        if n == 1, v[limb: 0] < 0x80 { out.append(UInt8(v[limb: 0])); return }
        out.append(0x80 + UInt8(n))  // n ≤ 32 < 56: always the short form
        for i in stride(from: n - 1, through: 0, by: -1) {
            out.append(UInt8(truncatingIfNeeded: v[limb: i / 8] >> UInt64(8 * (i % 8))))
        }
    }

    func appendAccessList(to out: inout [UInt8]) {
        RLP.appendList(to: &out) { out in
            for e in accessList {
                RLP.appendList(to: &out) { out in
                    RLP.appendBytes(e.address.bytes, to: &out)
                    RLP.appendList(to: &out) { out in for k in e.storageKeys { RLP.appendBytes(k, to: &out) } }
                }
            }
        }
    }

    /// Appends the fields every encoding shares, up to (not including) the signature or EIP-155 suffix.
    func appendFields(to out: inout [UInt8]) {
        switch type {
        case .legacy:
            RLP.appendUInt(nonce, to: &out)
            Self.appendUInt256(gasPrice, to: &out)
            RLP.appendUInt(gasLimit, to: &out)
            RLP.appendBytes(to?.bytes ?? [], to: &out)
            Self.appendUInt256(value, to: &out)
            RLP.appendBytes(data, to: &out)
        case .accessList:
            RLP.appendUInt(chainId ?? 0, to: &out)
            RLP.appendUInt(nonce, to: &out)
            Self.appendUInt256(gasPrice, to: &out)
            RLP.appendUInt(gasLimit, to: &out)
            RLP.appendBytes(to?.bytes ?? [], to: &out)
            Self.appendUInt256(value, to: &out)
            RLP.appendBytes(data, to: &out)
            appendAccessList(to: &out)
        case .dynamicFee, .blob:
            RLP.appendUInt(chainId ?? 0, to: &out)
            RLP.appendUInt(nonce, to: &out)
            Self.appendUInt256(maxPriorityFeePerGas, to: &out)
            Self.appendUInt256(maxFeePerGas, to: &out)
            RLP.appendUInt(gasLimit, to: &out)
            RLP.appendBytes(to?.bytes ?? [], to: &out)
            Self.appendUInt256(value, to: &out)
            RLP.appendBytes(data, to: &out)
            appendAccessList(to: &out)
            if type == .blob {
                Self.appendUInt256(maxFeePerBlobGas, to: &out)
                RLP.appendList(to: &out) { out in for h in blobVersionedHashes { RLP.appendBytes(h, to: &out) } }
            }
        }
    }

    /// The bytes whose keccak256 is signed.
    public var signingPayload: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(128 + data.count)
        if type != .legacy { out.append(type.rawValue) }
        let start = out.count
        appendFields(to: &out)
        if type == .legacy, let chainId {
            RLP.appendUInt(chainId, to: &out)
            out.append(0x80)
            out.append(0x80)
        }
        RLP.insertListHeader(at: start, in: &out)
        return out
    }

    /// keccak256 of ``signingPayload``: the digest the sender signs.
    public var signingHash: [UInt8] { Keccak256.hash(signingPayload) }

    /// Signs with `key` (RFC 6979, low s) after checking ``validate()``.
    public func signed(with key: PrivateKey) throws(ChainError) -> SignedTransaction {
        try validate()
        let sig = try key.sign(digest: signingHash)
        return SignedTransaction(transaction: self, signature: sig, sender: key.address)
    }

    /// The gas charged before execution (newest fork, Cancun): 21000, +32000 and 2 per init-code word for a
    /// creation, 4 per zero and 16 per non-zero data byte, 2400 per access-list address and 1900 per key.
    public var intrinsicGas: UInt64 {
        var gas: UInt64 = 21_000
        let zeros = UInt64(data.lazy.filter { $0 == 0 }.count)
        gas += zeros * 4 + (UInt64(data.count) - zeros) * 16
        if to == nil { gas += 32_000 + 2 * UInt64((data.count + 31) / 32) }
        for e in accessList { gas += 2_400 + 1_900 * UInt64(e.storageKeys.count) }
        return gas
    }

    /// The largest init code a creation may carry (EIP-3860).
    public static let maxInitCodeSize = 49_152

    /// Static validity (the TransactionTests rules short of the signature): field ranges, fee consistency,
    /// gas limit ≥ intrinsic gas, init-code size, access-list and blob-hash sizes.
    /// - Throws: ``ChainError`` with ``ChainError/Code/invalidTransaction``, ``ChainError/Code/intrinsicGasTooLow``
    ///   or ``ChainError/Code/invalidChainId``.
    public func validate() throws(ChainError) {
        func fail(_ m: String) -> ChainError { ChainError(.invalidTransaction, m) }
        guard nonce < UInt64.max else { throw fail("nonce 2^64-1 is not allowed (EIP-2681)") }
        if type != .legacy, chainId == nil { throw ChainError(.invalidChainId, "a type \(type) transaction needs a chain id") }
        let price = type == .legacy || type == .accessList ? gasPrice : maxFeePerGas
        guard !UInt256(gasLimit).multipliedReportingOverflow(by: price).overflow else {
            throw fail("gas limit × fee per gas exceeds 2^256-1")
        }
        if type == .dynamicFee || type == .blob {
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
    }
}
