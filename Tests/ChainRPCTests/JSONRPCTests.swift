import Testing
import Chain
import GensynPrimitives
@testable import ChainRPC

/// The wire codec, without I/O.
@Suite struct JSONRPCTests {
    @Test func requestAndResults() throws {
        #expect(JSONRPC.request(id: 7, method: "eth_chainId", params: []).description == #"{"jsonrpc":"2.0","id":7,"method":"eth_chainId","params":[]}"#)
        let ok = try JSONValue(parsing: #"{"jsonrpc":"2.0","id":1,"result":"0x1a"}"#)
        #expect(try JSONRPC.uint64(JSONRPC.result(of: ok).get(), "x") == 26)
        let err = try JSONValue(parsing: #"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no such method"}}"#)
        guard case .failure(let e) = JSONRPC.result(of: err) else { Issue.record("expected failure"); return }
        #expect(e.code == .rpc && e.rpcCode == -32601)
        let revert = try JSONValue(parsing: #"{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted","data":"\#(Hex.encode(RevertReason.errorData("nope"), prefix: true))"}}"#)
        guard case .failure(let r) = JSONRPC.result(of: revert) else { Issue.record("expected failure"); return }
        #expect(r.code == .reverted && r.revert == .error("nope"))
        let bad = try JSONValue(parsing: #"{"jsonrpc":"2.0","id":1}"#)
        guard case .failure(let m) = JSONRPC.result(of: bad) else { Issue.record("expected failure"); return }
        #expect(m.code == .malformedResponse)
    }

    @Test func batchOrderingAndMalformedValues() throws {
        let batch = try JSONValue(parsing: #"[{"jsonrpc":"2.0","id":2,"result":"0x2"},{"jsonrpc":"2.0","id":1,"result":"0x1"}]"#)
        let results = try JSONRPC.batchResults(batch, ids: [1, 2, 3])
        #expect(try JSONRPC.uint64(results[0].get(), "") == 1)
        #expect(try JSONRPC.uint64(results[1].get(), "") == 2)
        guard case .failure = results[2] else { Issue.record("missing id must fail"); return }
        #expect(throws: RPCError.self) { try JSONRPC.uint64(.string("12"), "no 0x") }
        #expect(throws: RPCError.self) { try JSONRPC.uint64(.string("0x1ffffffffffffffff"), "too big") }
        #expect(throws: RPCError.self) { try JSONRPC.hash(.string("0x12"), "short hash") }
        #expect(throws: RPCError.self) { try JSONRPC.batchResults(.object([]), ids: [1]) }
        #expect(JSONRPC.quantity(UInt256(0)) == .string("0x0"))
        #expect(JSONRPC.quantity(UInt256(255)) == .string("0xff"))
    }
}
