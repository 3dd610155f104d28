import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

@Suite struct ContractABITests {
    static let erc20 = """
        {"abi": [
          {"type":"function","name":"transfer","stateMutability":"nonpayable",
           "inputs":[{"name":"to","type":"address"},{"name":"amount","type":"uint256"}],
           "outputs":[{"name":"","type":"bool"}]},
          {"type":"function","name":"balanceOf","stateMutability":"view",
           "inputs":[{"name":"owner","type":"address"}],"outputs":[{"name":"","type":"uint256"}]},
          {"type":"function","name":"submit","stateMutability":"nonpayable",
           "inputs":[{"name":"orders","type":"tuple[]","components":[
              {"name":"who","type":"address"},{"name":"tags","type":"string[]"},
              {"name":"inner","type":"tuple[2]","components":[{"name":"x","type":"int8"}]}]}],"outputs":[]},
          {"type":"event","name":"Transfer","anonymous":false,"inputs":[
              {"name":"from","type":"address","indexed":true},{"name":"to","type":"address","indexed":true},
              {"name":"value","type":"uint256","indexed":false}]},
          {"type":"event","name":"Note","anonymous":false,"inputs":[
              {"name":"text","type":"string","indexed":true},{"name":"data","type":"bytes","indexed":false}]},
          {"type":"error","name":"InsufficientBalance","inputs":[{"name":"have","type":"uint256"},{"name":"want","type":"uint256"}]},
          {"type":"constructor","inputs":[{"name":"supply","type":"uint256"}],"stateMutability":"nonpayable"}
        ]}
        """

    @Test func parsesFunctionsEventsErrors() throws {
        let abi = try ContractABI(json: Self.erc20)
        #expect(abi.functions.count == 3 && abi.events.count == 2 && abi.errors.count == 1 && abi.constructorInputs.count == 1)
        #expect(Hex.encode(try abi.function("transfer").selector) == "a9059cbb")
        #expect(try abi.function("submit").signature.description == "submit((address,string[],(int8)[2])[])")
        #expect(try abi.function("balanceOf").isReadOnly)
        // The ERC-20 Transfer topic everyone knows.
        #expect(Hex.encode(try abi.event("Transfer").topic0) == "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        #expect(throws: ChainError.self) { try abi.function("mint") }
        #expect(throws: ChainError.self) { try ContractABI(json: "{\"abi\": 3}") }
    }

    @Test func decodesLogs() throws {
        let abi = try ContractABI(json: Self.erc20)
        let from = try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), to = try Address("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
        let topics = [try abi.event("Transfer").topic0, [UInt8](repeating: 0, count: 12) + from.bytes, [UInt8](repeating: 0, count: 12) + to.bytes]
        let (event, values) = try abi.decodeLog(topics: topics, data: try ABI.encode(.uint(12345), as: .uint(256)))
        #expect(event.name == "Transfer")
        #expect(values.map(\.name) == ["from", "to", "value"])
        #expect(values.map(\.value) == [.address(from), .address(to), .uint(12345)])
        // Indexed string: the topic is the hash.
        let note = try abi.event("Note")
        let hash = Keccak256.hash(Array("hi".utf8))
        let decoded = try note.decodeLog(topics: [note.topic0, hash], data: try ABI.encode(.bytes([1, 2]), as: .bytes))
        #expect(decoded.map(\.value) == [.fixedBytes(hash), .bytes([1, 2])])
        #expect(throws: ChainError.self) { try note.decodeLog(topics: [note.topic0], data: []) }
    }

    @Test func decodesReverts() throws {
        let abi = try ContractABI(json: Self.erc20)
        guard PythonOracle.isAvailable else { return }
        // Revert data built by eth-abi.
        let out = try PythonOracle.run("""
            from eth_abi import encode
            from eth_utils import keccak
            print((bytes.fromhex('08c379a0') + encode(['string'], ['not enough'])).hex())
            print((bytes.fromhex('4e487b71') + encode(['uint256'], [0x11])).hex())
            print((keccak(text='InsufficientBalance(uint256,uint256)')[:4] + encode(['uint256','uint256'], [5, 7])).hex())
            """).split(separator: "\n").map(String.init)
        #expect(abi.decodeRevert(hex(out[0])) == .error("not enough"))
        #expect(RevertReason.errorData("not enough") == hex(out[0]))
        #expect(abi.decodeRevert(hex(out[1])) == .panic(0x11))
        #expect(abi.decodeRevert(hex(out[2])) == .custom(name: "InsufficientBalance", arguments: [.uint(5), .uint(7)]))
        #expect(abi.decodeRevert([]) == .empty)
        #expect(abi.decodeRevert([1, 2, 3, 4, 5]) == .unknown([1, 2, 3, 4, 5]))
    }
}
