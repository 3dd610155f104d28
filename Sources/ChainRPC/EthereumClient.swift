import AsyncHTTPClient
import Chain
import GensynPrimitives
import NIOCore
import Synchronization

/// An async JSON-RPC client for an Ethereum node over HTTP (AsyncHTTPClient).
///
/// ```swift
/// let client = EthereumClient(url: "http://127.0.0.1:8545")
/// let chainId = try await client.chainId()
/// let hash = try await client.sendRawTransaction(signed.raw)
/// let receipt = try await client.waitForReceipt(hash)
/// ```
public final class EthereumClient: Sendable {
    /// The node URL.
    public let url: String
    /// Per-request timeout.
    public let timeout: Duration
    /// The largest response body accepted.
    public let maxResponseBytes: Int
    let http: HTTPClient
    let nextId = Mutex(1)

    /// A client for `url`, on the shared HTTP client unless you pass one (you then own its shutdown).
    public init(url: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(30), maxResponseBytes: Int = 64 << 20) {
        self.url = url
        self.http = httpClient
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    func takeIds(_ n: Int) -> Range<Int> {
        nextId.withLock { id in
            defer { id += n }
            return id..<(id + n)
        }
    }

    /// POSTs a JSON body and parses the JSON answer.
    func post(_ body: JSONValue) async throws(RPCError) -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body.description))
        let text: String
        do {
            let ms = Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            let response = try await http.execute(request, timeout: .milliseconds(ms))
            guard response.status.code == 200 else {
                throw RPCError(.transport, "\(url) answered HTTP \(response.status.code)")
            }
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            text = String(buffer: buffer)
        } catch let error as RPCError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw RPCError(.timeout, "\(url) did not answer within \(timeout)")
        } catch {
            throw RPCError(.transport, "\(url): \(error)")
        }
        do { return try JSONValue(parsing: text) } catch {
            throw RPCError(.malformedResponse, "\(url) answered with invalid JSON: \(error.message)")
        }
    }

    /// Calls `method` with `params` and returns the raw JSON result.
    /// - Throws: ``RPCError``.
    public func request(_ method: String, _ params: [JSONValue] = []) async throws(RPCError) -> JSONValue {
        let id = takeIds(1).lowerBound
        return try JSONRPC.result(of: await post(JSONRPC.request(id: id, method: method, params: params))).get()
    }

    /// Sends several calls in one HTTP request; results come back in call order.
    public func batch(_ calls: [(method: String, params: [JSONValue])]) async throws(RPCError) -> [Result<JSONValue, RPCError>] {
        guard !calls.isEmpty else { return [] }
        let ids = Array(takeIds(calls.count))
        let body = JSONValue.array(zip(ids, calls).map { JSONRPC.request(id: $0, method: $1.method, params: $1.params) })
        return try JSONRPC.batchResults(await post(body), ids: ids)
    }

    // MARK: Reads

    /// `eth_chainId`.
    public func chainId() async throws(RPCError) -> UInt64 { try JSONRPC.uint64(await request("eth_chainId"), "chainId") }

    /// `eth_blockNumber`.
    public func blockNumber() async throws(RPCError) -> UInt64 { try JSONRPC.uint64(await request("eth_blockNumber"), "blockNumber") }

    /// `eth_getBalance` in wei.
    public func balance(of address: Address, at block: BlockTag = .latest) async throws(RPCError) -> UInt256 {
        try JSONRPC.uint256(await request("eth_getBalance", [.string(address.checksummed), block.json]), "balance")
    }

    /// `eth_getTransactionCount`: the next nonce at `block` (`.pending` includes queued transactions).
    public func transactionCount(of address: Address, at block: BlockTag = .pending) async throws(RPCError) -> UInt64 {
        try JSONRPC.uint64(await request("eth_getTransactionCount", [.string(address.checksummed), block.json]), "transactionCount")
    }

    /// `eth_gasPrice`.
    public func gasPrice() async throws(RPCError) -> UInt256 { try JSONRPC.uint256(await request("eth_gasPrice"), "gasPrice") }

    /// `eth_maxPriorityFeePerGas`.
    public func maxPriorityFeePerGas() async throws(RPCError) -> UInt256 {
        try JSONRPC.uint256(await request("eth_maxPriorityFeePerGas"), "maxPriorityFeePerGas")
    }

    /// `eth_feeHistory`.
    public func feeHistory(blockCount: UInt64, newest: BlockTag = .latest, rewardPercentiles: [Double] = []) async throws(RPCError) -> FeeHistory {
        try FeeHistory(json: await request("eth_feeHistory", [JSONRPC.quantity(blockCount), newest.json, .array(rewardPercentiles.map { .number(String($0)) })]))
    }

    /// `eth_call`: the return data.
    /// - Throws: ``RPCError`` with ``RPCError/Code/reverted`` and the decoded ``RPCError/revert`` reason.
    public func call(_ call: CallRequest, at block: BlockTag = .latest) async throws(RPCError) -> [UInt8] {
        try JSONRPC.bytes(await request("eth_call", [call.json, block.json]), "call result")
    }

    /// `eth_estimateGas`.
    public func estimateGas(_ call: CallRequest) async throws(RPCError) -> UInt64 {
        try JSONRPC.uint64(await request("eth_estimateGas", [call.json]), "estimateGas")
    }

    /// `eth_getCode`.
    public func code(at address: Address, block: BlockTag = .latest) async throws(RPCError) -> [UInt8] {
        try JSONRPC.bytes(await request("eth_getCode", [.string(address.checksummed), block.json]), "code")
    }

    /// `eth_getTransactionReceipt`; nil while the transaction is not mined.
    public func transactionReceipt(_ hash: [UInt8]) async throws(RPCError) -> Receipt? {
        let r = try await request("eth_getTransactionReceipt", [JSONRPC.data(hash)])
        return r == .null ? nil : try Receipt(json: r)
    }

    /// Polls for the receipt of `hash` until it exists or `timeout` passes.
    public func waitForReceipt(_ hash: [UInt8], timeout: Duration = .seconds(60), pollInterval: Duration = .milliseconds(250)) async throws(RPCError) -> Receipt {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let r = try await transactionReceipt(hash) { return r }
            guard clock.now < deadline else {
                throw RPCError(.timeout, "no receipt for \(Hex.encode(hash, prefix: true)) within \(timeout)")
            }
            do { try await Task.sleep(for: pollInterval) } catch { throw RPCError(.timeout, "cancelled while waiting for a receipt") }
        }
    }

    /// `eth_getLogs`.
    public func logs(_ filter: LogFilter) async throws(RPCError) -> [Log] {
        let r = try await request("eth_getLogs", [filter.json])
        guard let list = r.arrayValue else { throw JSONRPC.malformed("logs", r) }
        return try list.map { x throws(RPCError) in try Log(json: x) }
    }

    /// `eth_getBlockByNumber`; nil for a block that does not exist.
    public func block(_ tag: BlockTag) async throws(RPCError) -> Block? {
        let r = try await request("eth_getBlockByNumber", [tag.json, .bool(false)])
        return r == .null ? nil : try Block(json: r)
    }

    /// `eth_getBlockByHash`; nil for an unknown hash.
    public func block(hash: [UInt8]) async throws(RPCError) -> Block? {
        let r = try await request("eth_getBlockByHash", [JSONRPC.data(hash), .bool(false)])
        return r == .null ? nil : try Block(json: r)
    }

    // MARK: Writes

    /// `eth_sendRawTransaction`: the transaction hash.
    public func sendRawTransaction(_ raw: [UInt8]) async throws(RPCError) -> [UInt8] {
        try JSONRPC.hash(await request("eth_sendRawTransaction", [JSONRPC.data(raw)]), "transaction hash")
    }

    /// Fills what `transaction` leaves unset (chain id, nonce, fees, gas limit), signs it with `key`, sends it.
    ///
    /// Unset means: `chainId` nil, `nonce` nil argument, zero fees, gas limit 0.
    public func send(_ transaction: Transaction, nonce: UInt64? = nil, signer key: PrivateKey) async throws -> SignedTransaction {
        var tx = transaction
        if tx.chainId == nil { tx.chainId = try await chainId() }
        if let nonce { tx.nonce = nonce } else { tx.nonce = try await transactionCount(of: key.address) }
        switch tx.type {
        case .legacy, .accessList:
            if tx.gasPrice.isZero { tx.gasPrice = try await gasPrice() }
        default:
            if tx.maxPriorityFeePerGas.isZero { tx.maxPriorityFeePerGas = try await maxPriorityFeePerGas() }
            if tx.maxFeePerGas.isZero {
                let base = try await block(.latest)?.baseFeePerGas ?? .zero
                tx.maxFeePerGas = try base.checkedMultiply(2).checkedAdd(tx.maxPriorityFeePerGas)
            }
        }
        if tx.gasLimit == 0 {
            let estimate = try await estimateGas(CallRequest(from: key.address, to: tx.to, data: tx.data, value: tx.value))
            tx.gasLimit = estimate + estimate / 5  // 20% headroom
        }
        let signed = try tx.signed(with: key)
        _ = try await sendRawTransaction(signed.raw)
        return signed
    }
}
