import Foundation
import Testing
import Chain
import GensynPrimitives
import GensynTestSupport

/// The gensyn-chain example's JSON contracts, run as a process (skipped when the binary is not built).
@Suite struct CLITests {
    static var binary: URL? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("gensyn-chain")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    static func run(_ args: [String]) throws -> CommandRunner.Output {
        try CommandRunner.run(binary!, args)
    }

    @Test func offlineCommands() throws {
        guard Self.binary != nil else { return }
        #expect(try Self.run(["keccak", "0x"]).out == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470\n")
        #expect(try Self.run(["rlp-encode", #"["0x636174", "0x646f67"]"#]).out == "0xc88363617483646f67\n")
        #expect(try Self.run(["rlp-decode", "0xc88363617483646f67"]).out == #"["0x636174","0x646f67"]"# + "\n")
        let enc = try Self.run(["abi-encode", "(uint256,string,address)", #"["115792089237316195423570985008687907853269984665640564039457584007913129639935", "hi", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"]"#])
        #expect(enc.status == 0)
        let dec = try Self.run(["abi-decode", "(uint256,string,address)", enc.out.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(dec.out == #"["115792089237316195423570985008687907853269984665640564039457584007913129639935","hi","0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]"# + "\n")
        #expect(try Self.run(["calldata", "transfer(address,uint256)", #"["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", 1]"#]).out.hasPrefix("0xa9059cbb"))
    }

    @Test func transactionCommands() throws {
        guard Self.binary != nil else { return }
        let doc = try JSONValue(parsing: TestVectors.text("chain/eip155_example.json"))
        let decoded = try Self.run(["tx-decode", doc["signedTx"]!.stringValue!])
        let json = try JSONValue(parsing: decoded.out)
        for key in ["type", "hash", "sender", "chainId", "intrinsicGas", "nonce", "gasPrice", "gas", "to", "value", "data", "v", "r", "s"] {
            #expect(json[key] != nil, "tx-decode lacks \(key)")
        }
        #expect(json["hash"]?.stringValue == doc["txHash"]!.stringValue!)
        #expect(json["sender"]?.stringValue == doc["sender"]!.stringValue!)
        let bad = try Self.run(["tx-decode", "0xf86c0a"])
        #expect(bad.status != 0 && bad.out.isEmpty && bad.err.split(separator: "\n").count == 1)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gensyn-chain-tx-\(getpid()).json")
        try #"{"nonce": 9, "gasPrice": "20000000000", "gas": 21000, "to": "0x3535353535353535353535353535353535353535", "value": "0xde0b6b3a7640000", "data": "0x", "chainId": 1}"#
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let signed = try JSONValue(parsing: Self.run(["sign-tx", "--private-key", doc["privateKey"]!.stringValue!, file.path]).out)
        #expect(signed.objectValue?.map(\.0) == ["raw", "hash"])
        #expect(signed["raw"]?.stringValue == doc["signedTx"]!.stringValue!)
        #expect(signed["hash"]?.stringValue == doc["txHash"]!.stringValue!)
    }

    /// EIP-7702: sign-tx takes an eth-account-style signed authorization; tx-decode prints its authority.
    @Test func setCodeTransactionCommands() throws {
        guard Self.binary != nil else { return }
        let key = try PrivateKey(hex: "0x" + String(repeating: "01", count: 32))
        let authorizer = try PrivateKey(hex: "0x" + String(repeating: "02", count: 32))
        let auth = try Authorization.signed(chainId: 1, address: try Address("0x4242424242424242424242424242424242424242"), nonce: 3, with: authorizer)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gensyn-chain-7702-\(getpid()).json")
        try """
            {"type": 4, "chainId": 1, "nonce": 0, "maxFeePerGas": 10000000000, "maxPriorityFeePerGas": 1000000000, "gas": 100000,
             "to": "0x1111111111111111111111111111111111111111", "value": 0, "data": "0x", "accessList": [],
             "authorizationList": [{"chainId": 1, "address": "0x4242424242424242424242424242424242424242", "nonce": 3,
                                    "yParity": \(auth.yParity), "r": "\(auth.r)", "s": "\(auth.s)"}]}
            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let signed = try JSONValue(parsing: Self.run(["sign-tx", "--private-key", Hex.encode(key.bytes, prefix: true), file.path]).out)
        let raw = try #require(signed["raw"]?.stringValue)
        #expect(raw.hasPrefix("0x04"))
        let decoded = try JSONValue(parsing: Self.run(["tx-decode", raw]).out)
        #expect(decoded["type"]?.stringValue == "0x4")
        #expect(decoded["sender"]?.stringValue == key.address.checksummed)
        #expect(decoded["intrinsicGas"]?.stringValue == "0x" + String(21_000 + 25_000, radix: 16))
        #expect(decoded["authorizationList"]?.arrayValue?.first?["authority"]?.stringValue == authorizer.address.checksummed)
    }

    /// The --rpc-url commands against the py-evm node.
    @Test func rpcCommands() throws {
        guard Self.binary != nil, PythonOracle.isAvailable else { return }
        let node = try EVMNode()
        defer { node.stop() }
        let rpc = ["--rpc-url", node.url]
        #expect(try Self.run(["chain-id"] + rpc).out == "131277322940537\n")
        let alice = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"  // key 0x…01
        #expect(try Self.run(["nonce", alice] + rpc).out == "0\n")
        #expect(try Self.run(["balance", alice] + rpc).out.hasPrefix("1000000"))
        // Deploy the fixture with `send` (nonce, fees, gas and chain id filled in), then call it.
        let (_, bytecode) = try EVMNode.compile("Store.vy")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gensyn-chain-deploy-\(getpid()).json")
        try "{\"type\": 2, \"data\": \"\(bytecode)\(String(repeating: "0", count: 63))5\"}".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let sent = try Self.run(["send", "--private-key", "0x" + String(repeating: "0", count: 63) + "1", file.path] + rpc)
        #expect(sent.status == 0, "\(sent.err)")
        let receipt = try JSONValue(parsing: sent.out)
        #expect(receipt["status"] == .number("1"))
        guard let contract = receipt["contractAddress"]?.stringValue, let hash = receipt["transactionHash"]?.stringValue else {
            Issue.record("no contract address in \(sent.out)"); return
        }
        #expect(try JSONValue(parsing: Self.run(["receipt", hash] + rpc).out)["contractAddress"]?.stringValue == contract)
        #expect(try Self.run(["call", contract, "value()", "[]", "--returns", "(uint256)"] + rpc).out == #"["5"]"# + "\n")
        #expect(try Self.run(["block-number"] + rpc).out == "1\n")
        #expect(try JSONValue(parsing: Self.run(["logs", "--address", contract] + rpc).out).arrayValue?.count == 0)
        let reverted = try Self.run(["call", contract, "store(uint256,string)", #"[13, "x"]"#] + rpc)
        #expect(reverted.status != 0 && reverted.err.contains("unlucky"))
    }
}
