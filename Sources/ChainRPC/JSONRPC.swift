import Chain
import GensynPrimitives

/// The JSON-RPC 2.0 wire format as pure functions (no I/O): build request bodies, split responses.
public enum JSONRPC {
    /// A request object.
    public static func request(id: Int, method: String, params: [JSONValue]) -> JSONValue {
        .object([("jsonrpc", .string("2.0")), ("id", .number(String(id))), ("method", .string(method)), ("params", .array(params))])
    }

    /// The result of one response object, or the error it carries.
    public static func result(of response: JSONValue) -> Result<JSONValue, RPCError> {
        if let error = response["error"], error != .null {
            let code = error["code"].flatMap { if case .number(let n) = $0 { return Int(n) } else { return nil } }
            let message = error["message"]?.stringValue ?? error.description
            let data = error["data"]?.stringValue.flatMap { try? Hex.decode($0) }
            if code == 3 || message.contains("revert") {
                let reason = data.map { RevertReason(data: $0).description } ?? message
                return .failure(RPCError(.reverted, "execution \(reason)", rpcCode: code, data: data ?? []))
            }
            return .failure(RPCError(.rpc, "node error \(code.map(String.init) ?? "?"): \(message)", rpcCode: code, data: data))
        }
        guard let result = response["result"] else {
            return .failure(RPCError(.malformedResponse, "response has neither result nor error: \(response.description.prefix(200))"))
        }
        return .success(result)
    }

    /// Parses a batch response and orders the results by request id (`ids` in request order).
    public static func batchResults(_ response: JSONValue, ids: [Int]) throws(RPCError) -> [Result<JSONValue, RPCError>] {
        guard let items = response.arrayValue else {
            throw RPCError(.malformedResponse, "a batch response must be a JSON array")
        }
        var byId: [Int: JSONValue] = [:]
        for item in items {
            if case .number(let n)? = item["id"], let id = Int(n) { byId[id] = item }
        }
        return ids.map { id in
            guard let item = byId[id] else { return .failure(RPCError(.malformedResponse, "batch response lacks id \(id)")) }
            return result(of: item)
        }
    }

    // MARK: Quantities and data

    /// `0x`-quantity of a 64-bit integer.
    public static func quantity(_ v: UInt64) -> JSONValue { .string("0x" + String(v, radix: 16)) }

    /// `0x`-quantity of a 256-bit integer.
    public static func quantity(_ v: UInt256) -> JSONValue { .string(v.hexString) }

    /// `0x`-hex data.
    public static func data(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes, prefix: true)) }

    static func malformed(_ what: String, _ value: JSONValue?) -> RPCError {
        RPCError(.malformedResponse, "\(what): unexpected \(value?.description.prefix(120) ?? "missing value")")
    }

    /// Reads a quantity (`0x`-hex string; a JSON number is tolerated) as 256 bits.
    public static func uint256(_ value: JSONValue?, _ what: String) throws(RPCError) -> UInt256 {
        switch value {
        case .string(let s)?:
            guard s.hasPrefix("0x"), let v = try? UInt256(hex: s) else { throw malformed(what, value) }
            return v
        case .number(let n)?:
            guard let v = try? UInt256(decimal: n) else { throw malformed(what, value) }
            return v
        default: throw malformed(what, value)
        }
    }

    /// Reads a quantity that must fit in 64 bits.
    public static func uint64(_ value: JSONValue?, _ what: String) throws(RPCError) -> UInt64 {
        guard let v = try? uint256(value, what).toUInt64() else { throw malformed(what, value) }
        return v
    }

    /// Reads `0x`-hex data.
    public static func bytes(_ value: JSONValue?, _ what: String) throws(RPCError) -> [UInt8] {
        guard let s = value?.stringValue, let b = try? Hex.decode(s) else { throw malformed(what, value) }
        return b
    }

    /// Reads a 32-byte hash.
    public static func hash(_ value: JSONValue?, _ what: String) throws(RPCError) -> [UInt8] {
        let b = try bytes(value, what)
        guard b.count == 32 else { throw malformed(what, value) }
        return b
    }

    /// Reads an address (any case; the node's checksum is not trusted).
    public static func address(_ value: JSONValue?, _ what: String) throws(RPCError) -> Address {
        let b = try bytes(value, what)
        guard let a = try? Address(bytes: b) else { throw malformed(what, value) }
        return a
    }

    /// Reads an optional address (`null`, missing or empty means none).
    public static func optionalAddress(_ value: JSONValue?, _ what: String) throws(RPCError) -> Address? {
        guard let value, value != .null, value.stringValue != "", value.stringValue != "0x" else { return nil }
        return try address(value, what)
    }
}
