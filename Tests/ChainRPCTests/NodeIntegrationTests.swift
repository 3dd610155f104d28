import Foundation
import Testing
import Chain
import GensynPrimitives
import GensynTestSupport
@testable import ChainRPC

/// Against a real EVM (py-evm behind Tools/evm-node/server.py) on loopback.
@Suite(.serialized) struct NodeIntegrationTests {
    static let chainId: UInt64 = 131277322940537

    static func key(_ n: UInt8) -> PrivateKey { try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [n]) }

    @Test func endToEnd() async throws {
        guard PythonOracle.isAvailable else { return }
        let node = try EVMNode()
        defer { node.stop() }
        let client = EthereumClient(url: node.url, timeout: .seconds(20))
        let alice = Self.key(1), bob = Self.key(2)

        #expect(try await client.chainId() == Self.chainId)
        let start = try await client.blockNumber()
        #expect(try await client.balance(of: alice.address) > UInt256(0))

        // Batch.
        let batch = try await client.batch([("eth_chainId", []), ("eth_blockNumber", []), ("eth_noSuchMethod", [])])
        #expect(try JSONRPC.uint64(batch[0].get(), "") == Self.chainId)
        guard case .failure(let e) = batch[2] else { Issue.record("unknown method must fail"); return }
        #expect(e.code == .rpc)

        // Deploy the Vyper fixture.
        let (abiJSON, bytecode) = try EVMNode.compile("Store.vy")
        let abi = try ContractABI(json: abiJSON)
        let (store, deployReceipt) = try await Contract.deploy(abi: abi, bytecode: Hex.decode(bytecode), arguments: [.uint(7)], signer: alice, client: client)
        #expect(deployReceipt.succeeded)
        #expect(try await client.code(at: store.address).count > 0)
        #expect(try await store.call("value") == [.uint(7)])

        // A transaction of every type, each mined at once; the sender recovered from our bytes matches.
        let fees = try await client.block(.latest)!.baseFeePerGas!
        let types: [TransactionType] = [.legacy, .legacy, .accessList, .dynamicFee]
        var nonce = try await client.transactionCount(of: bob.address)
        for (i, type) in types.enumerated() {
            var tx = Transaction(type: type, chainId: i == 0 ? nil : Self.chainId, nonce: nonce, gasLimit: 0, to: store.address)
            tx.data = try abi.function("store").encodeCall([.uint(UInt256(UInt64(100 + i))), .string("tx \(i)")])
            tx.gasPrice = try fees.checkedMultiply(2)
            tx.maxFeePerGas = try fees.checkedMultiply(2)
            tx.maxPriorityFeePerGas = 1
            if type == .accessList { tx.accessList = [AccessListEntry(address: store.address, storageKeys: [[UInt8](repeating: 0, count: 32)])] }
            tx.gasLimit = try await client.estimateGas(CallRequest(from: bob.address, to: store.address, data: tx.data)) + 10_000
            let signed = try tx.signed(with: bob)
            #expect(try SignedTransaction(raw: signed.raw).sender == bob.address)
            let hash = try await client.sendRawTransaction(signed.raw)
            #expect(hash == signed.hash)
            let receipt = try await client.waitForReceipt(hash, timeout: .seconds(20), pollInterval: .milliseconds(50))
            #expect(receipt.succeeded, "type \(type)")
            // Decode the Stored event.
            let decoded = store.decodeLogs(receipt)
            #expect(decoded.count == 1)
            #expect(decoded.first?.event == "Stored")
            #expect(decoded.first?.values.map(\.value) == [.address(bob.address), .uint(UInt256(UInt64(100 + i))), .string("tx \(i)")])
            nonce += 1
        }
        #expect(try await store.call("value") == [.uint(103)])
        #expect(try await client.blockNumber() >= start + 5)

        // Contract helper transact (fills chain id, nonce, fees, gas).
        let r = try await store.transact("store", [.uint(42), .string("helper")], signer: alice)
        #expect(r.succeeded)
        #expect(try await store.call("value") == [.uint(42)])

        // Logs by filter, topic0 and address.
        let logs = try await client.logs(LogFilter(fromBlock: .earliest, toBlock: .latest, addresses: [store.address], topics: [[abi.event("Stored").topic0]]))
        #expect(logs.count == 5)
        if let last = logs.last {
            #expect(try abi.decodeLog(topics: last.topics, data: last.data).values.last?.value == .string("helper"))
        }

        // A revert reason, from eth_call.
        do {
            _ = try await store.call("store", [.uint(13), .string("x")], from: alice.address)
            Issue.record("store(13) must revert")
        } catch {
            let rpcError = error as? RPCError
            #expect(rpcError?.code == .reverted)
            #expect(rpcError?.revert == .error("unlucky"))
        }

        // Blocks and fee data.
        let latest = try await client.block(.latest)!
        #expect(try await client.block(hash: latest.hash) == latest)
        #expect(try await client.block(.number(10_000)) == nil)
        #expect(try await client.maxPriorityFeePerGas() >= UInt256(0))
        let history = try await client.feeHistory(blockCount: 2, rewardPercentiles: [50])
        #expect(history.baseFeePerGas.count >= 1)
        #expect(try await client.transactionReceipt([UInt8](repeating: 0, count: 32)) == nil)

        // A malformed raw transaction is rejected by the node as an RPC error.
        let garbage = await capture { () async throws(RPCError) in try await client.sendRawTransaction([0xc0]) }
        if case .failure(let error) = garbage { #expect(error.code == .rpc) } else { Issue.record("node accepted garbage") }
    }

    @Test func transportErrorsAreTyped() async throws {
        // Nothing listens on port 1.
        let client = EthereumClient(url: "http://127.0.0.1:1", timeout: .seconds(1))
        let result = await capture { () async throws(RPCError) in try await client.chainId() }
        if case .failure(let error) = result { #expect(error.code == .transport || error.code == .timeout) } else { Issue.record("expected a transport error") }
    }
}

func capture<T>(_ body: () async throws(RPCError) -> T) async -> Result<T, RPCError> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
