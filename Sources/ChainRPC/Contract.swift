import Chain
import GensynPrimitives

/// A deployed contract: call or transact its functions from its JSON ABI with typed values.
///
/// ```swift
/// let token = Contract(abi: try ContractABI(json: abiText), address: tokenAddress, client: client)
/// let balance = try await token.call("balanceOf", [.address(me)])      // [.uint(…)]
/// let receipt = try await token.transact("transfer", [.address(to), .uint(5)], signer: key)
/// ```
public struct Contract: Sendable {
    /// The contract's JSON ABI.
    public let abi: ContractABI
    /// Where the contract lives.
    public let address: Address
    /// The node it is reached through.
    public let client: EthereumClient

    /// A handle on the contract at `address`.
    public init(abi: ContractABI, address: Address, client: EthereumClient) {
        self.abi = abi
        self.address = address
        self.client = client
    }

    /// Calls a function with `eth_call` and decodes its outputs.
    /// - Throws: ``RPCError`` (a revert carries the reason decoded with this ABI's custom errors) or ``ChainError``.
    public func call(_ function: String, _ arguments: [ABIValue] = [], from: Address? = nil, at block: BlockTag = .latest) async throws -> [ABIValue] {
        let f = try abi.function(function)
        do {
            let out = try await client.call(CallRequest(from: from, to: address, data: f.encodeCall(arguments)), at: block)
            return try f.decodeOutput(out)
        } catch let error as RPCError where error.code == .reverted {
            let reason = abi.decodeRevert(error.data ?? [])
            throw RPCError(.reverted, "\(function) \(reason)", rpcCode: error.rpcCode, data: error.data)
        }
    }

    /// Sends an EIP-1559 transaction calling `function` and waits for its receipt.
    public func transact(_ function: String, _ arguments: [ABIValue] = [], value: UInt256 = .zero, signer: PrivateKey,
                         timeout: Duration = .seconds(60)) async throws -> Receipt {
        let f = try abi.function(function)
        let tx = Transaction(type: .dynamicFee, gasLimit: 0, to: address, value: value, data: try f.encodeCall(arguments))
        let signed = try await client.send(tx, signer: signer)
        return try await client.waitForReceipt(signed.hash, timeout: timeout)
    }

    /// Deploys `bytecode` with ABI-encoded constructor `arguments`; returns the contract once mined.
    public static func deploy(abi: ContractABI, bytecode: [UInt8], arguments: [ABIValue] = [], signer: PrivateKey,
                              client: EthereumClient, timeout: Duration = .seconds(60)) async throws -> (Contract, Receipt) {
        let initCode = bytecode + (try ABI.encode(arguments, as: abi.constructorInputs.map(\.type)))
        let signed = try await client.send(Transaction(type: .dynamicFee, gasLimit: 0, to: nil, data: initCode), signer: signer)
        let receipt = try await client.waitForReceipt(signed.hash, timeout: timeout)
        guard receipt.succeeded, let address = receipt.contractAddress else {
            throw RPCError(.reverted, "deployment \(Hex.encode(signed.hash, prefix: true)) failed")
        }
        return (Contract(abi: abi, address: address, client: client), receipt)
    }

    /// Decodes the logs of a receipt emitted by this contract with this ABI's events (unknown logs are skipped).
    public func decodeLogs(_ receipt: Receipt) -> [(event: String, values: [(name: String, value: ABIValue)])] {
        receipt.logs.filter { $0.address == address }.compactMap { log in
            (try? abi.decodeLog(topics: log.topics, data: log.data)).map { ($0.event.name, $0.values) }
        }
    }
}
