import Chain
import GensynPrimitives

/// Which block a read refers to.
public enum BlockTag: Hashable, Sendable {
    /// A named block: the newest, the genesis, the pending one, or the safe/finalized head.
    case latest, earliest, pending, safe, finalized
    /// A block number.
    case number(UInt64)

    var json: JSONValue {
        switch self {
        case .latest: return .string("latest")
        case .earliest: return .string("earliest")
        case .pending: return .string("pending")
        case .safe: return .string("safe")
        case .finalized: return .string("finalized")
        case .number(let n): return JSONRPC.quantity(n)
        }
    }
}

/// The message of `eth_call` / `eth_estimateGas`.
public struct CallRequest: Hashable, Sendable {
    /// The caller (`msg.sender`); the node picks one when nil.
    public var from: Address?
    /// The callee; nil simulates a contract creation.
    public var to: Address?
    /// Calldata.
    public var data: [UInt8]
    /// Wei sent with the call.
    public var value: UInt256?
    /// Gas limit for the call.
    public var gas: UInt64?

    /// A call to `to` with `data`.
    public init(from: Address? = nil, to: Address?, data: [UInt8] = [], value: UInt256? = nil, gas: UInt64? = nil) {
        self.from = from
        self.to = to
        self.data = data
        self.value = value
        self.gas = gas
    }

    var json: JSONValue {
        var o: [(String, JSONValue)] = []
        if let from { o.append(("from", .string(from.checksummed))) }
        if let to { o.append(("to", .string(to.checksummed))) }
        o.append(("data", JSONRPC.data(data)))
        if let value { o.append(("value", JSONRPC.quantity(value))) }
        if let gas { o.append(("gas", JSONRPC.quantity(gas))) }
        return .object(o)
    }
}

/// An event log.
public struct Log: Hashable, Sendable {
    /// The emitting contract.
    public let address: Address
    /// 32-byte topics; the first is the event signature hash unless anonymous.
    public let topics: [[UInt8]]
    /// The ABI-encoded non-indexed parameters.
    public let data: [UInt8]
    /// The block, nil while pending.
    public let blockNumber: UInt64?
    /// The emitting transaction, nil while pending.
    public let transactionHash: [UInt8]?
    /// Position in the block.
    public let logIndex: UInt64?

    init(json: JSONValue) throws(RPCError) {
        address = try JSONRPC.address(json["address"], "log.address")
        guard let t = json["topics"]?.arrayValue else { throw JSONRPC.malformed("log.topics", json["topics"]) }
        topics = try t.map { x throws(RPCError) in try JSONRPC.hash(x, "log topic") }
        data = try JSONRPC.bytes(json["data"], "log.data")
        blockNumber = json["blockNumber"].flatMap { $0 == .null ? nil : try? JSONRPC.uint64($0, "") }
        transactionHash = json["transactionHash"].flatMap { $0 == .null ? nil : try? JSONRPC.hash($0, "") }
        logIndex = json["logIndex"].flatMap { $0 == .null ? nil : try? JSONRPC.uint64($0, "") }
    }
}

/// A transaction receipt.
public struct Receipt: Hashable, Sendable {
    /// The transaction.
    public let transactionHash: [UInt8]
    /// The block it was mined in.
    public let blockNumber: UInt64
    /// True when execution succeeded (status 1).
    public let succeeded: Bool
    /// Gas used by this transaction.
    public let gasUsed: UInt64
    /// The price per gas actually paid.
    public let effectiveGasPrice: UInt256?
    /// The created contract, for a creation.
    public let contractAddress: Address?
    /// The sender.
    public let from: Address?
    /// The recipient; nil for a creation.
    public let to: Address?
    /// Logs emitted.
    public let logs: [Log]

    init(json: JSONValue) throws(RPCError) {
        transactionHash = try JSONRPC.hash(json["transactionHash"], "receipt.transactionHash")
        blockNumber = try JSONRPC.uint64(json["blockNumber"], "receipt.blockNumber")
        succeeded = try JSONRPC.uint64(json["status"], "receipt.status") == 1
        gasUsed = try JSONRPC.uint64(json["gasUsed"], "receipt.gasUsed")
        effectiveGasPrice = json["effectiveGasPrice"].flatMap { try? JSONRPC.uint256($0, "") }
        contractAddress = try JSONRPC.optionalAddress(json["contractAddress"], "receipt.contractAddress")
        from = try JSONRPC.optionalAddress(json["from"], "receipt.from")
        to = try JSONRPC.optionalAddress(json["to"], "receipt.to")
        logs = try (json["logs"]?.arrayValue ?? []).map { x throws(RPCError) in try Log(json: x) }
    }
}

/// A block header with its transaction hashes.
public struct Block: Hashable, Sendable {
    /// The block number.
    public let number: UInt64
    /// The block hash.
    public let hash: [UInt8]
    /// The parent block hash.
    public let parentHash: [UInt8]
    /// Seconds since the Unix epoch.
    public let timestamp: UInt64
    /// The block gas limit.
    public let gasLimit: UInt64
    /// Gas used by all its transactions.
    public let gasUsed: UInt64
    /// EIP-1559 base fee (nil before London).
    public let baseFeePerGas: UInt256?
    /// Transaction hashes (full objects are reduced to their hash).
    public let transactionHashes: [[UInt8]]

    init(json: JSONValue) throws(RPCError) {
        number = try JSONRPC.uint64(json["number"], "block.number")
        hash = try JSONRPC.hash(json["hash"], "block.hash")
        parentHash = try JSONRPC.hash(json["parentHash"], "block.parentHash")
        timestamp = try JSONRPC.uint64(json["timestamp"], "block.timestamp")
        gasLimit = try JSONRPC.uint64(json["gasLimit"], "block.gasLimit")
        gasUsed = try JSONRPC.uint64(json["gasUsed"], "block.gasUsed")
        baseFeePerGas = json["baseFeePerGas"].flatMap { try? JSONRPC.uint256($0, "") }
        transactionHashes = try (json["transactions"]?.arrayValue ?? []).map { t throws(RPCError) in
            try JSONRPC.hash(t.stringValue != nil ? t : t["hash"], "block transaction")
        }
    }
}

/// `eth_feeHistory`.
public struct FeeHistory: Hashable, Sendable {
    /// The first block of the range.
    public let oldestBlock: UInt64
    /// Base fee per block, plus the next block's.
    public let baseFeePerGas: [UInt256]
    /// Per block, the requested reward percentiles.
    public let reward: [[UInt256]]

    init(json: JSONValue) throws(RPCError) {
        oldestBlock = try JSONRPC.uint64(json["oldestBlock"], "feeHistory.oldestBlock")
        baseFeePerGas = try (json["baseFeePerGas"]?.arrayValue ?? []).map { x throws(RPCError) in try JSONRPC.uint256(x, "baseFeePerGas") }
        reward = try (json["reward"]?.arrayValue ?? []).map { r throws(RPCError) in
            try (r.arrayValue ?? []).map { x throws(RPCError) in try JSONRPC.uint256(x, "reward") }
        }
    }
}

/// An `eth_getLogs` filter.
public struct LogFilter: Hashable, Sendable {
    /// First block searched.
    public var fromBlock: BlockTag
    /// Last block searched.
    public var toBlock: BlockTag
    /// Emitting contracts (empty: any).
    public var addresses: [Address]
    /// Per position: nil = any, else any of the listed topics.
    public var topics: [[[UInt8]]?]

    /// A filter; by default every log of the latest block.
    public init(fromBlock: BlockTag = .latest, toBlock: BlockTag = .latest, addresses: [Address] = [], topics: [[[UInt8]]?] = []) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.addresses = addresses
        self.topics = topics
    }

    var json: JSONValue {
        var o: [(String, JSONValue)] = [("fromBlock", fromBlock.json), ("toBlock", toBlock.json)]
        if !addresses.isEmpty { o.append(("address", .array(addresses.map { .string($0.checksummed) }))) }
        if !topics.isEmpty {
            // One option is sent as a plain topic, several as an OR-array (some nodes accept only the former).
            o.append(("topics", .array(topics.map { t in
                guard let t else { return .null }
                return t.count == 1 ? JSONRPC.data(t[0]) : .array(t.map(JSONRPC.data))
            })))
        }
        return .object(o)
    }
}
