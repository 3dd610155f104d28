import GensynPrimitives

extension ABIValue {
    /// Converts wallet-style JSON into a value of `type`: integers as JSON numbers, decimal strings or
    /// `0x`-hex strings; bytes and addresses as `0x`-hex; arrays and tuples as JSON arrays.
    /// - Throws: ``ChainError/Code/abiTypeMismatch`` naming what does not fit.
    public init(json: JSONValue, type: ABIType) throws(ChainError) {
        func bad(_ why: String) -> ChainError { ChainError(.abiTypeMismatch, "JSON \(json) for \(type): \(why)") }
        switch type {
        case .uint(let bits):
            let v = try ABIValue.parseUInt(json, what: "\(type)")
            guard v.bitLength <= bits else { throw bad("does not fit in \(bits) bits") }
            self = .uint(v)
        case .int(let bits):
            var text: String
            switch json {
            case .number(let n): text = n
            case .string(let s): text = s
            default: throw bad("expected an integer")
            }
            let negative = text.hasPrefix("-")
            if negative { text.removeFirst() }
            let m = try ABIValue.parseUInt(text.hasPrefix("0x") ? .string(text) : .number(text), what: "\(type)")
            guard m.bitLength < bits || (negative && m.bitLength == bits && m.trailingZeroBitCount == bits - 1) else {
                throw bad("does not fit in int\(bits)")
            }
            self = .int(negative ? Int256(bitPattern: (~m) &+ .one) : Int256(bitPattern: m))
        case .address:
            guard let s = json.stringValue else { throw bad("expected a 0x-hex address string") }
            self = .address(try Address(s))
        case .bool:
            guard case .bool(let b) = json else { throw bad("expected true or false") }
            self = .bool(b)
        case .fixedBytes(let n):
            guard let s = json.stringValue else { throw bad("expected a 0x-hex string") }
            self = .fixedBytes(try Hex.chainDecode(s, count: n, what: "\(type)"))
        case .bytes:
            guard let s = json.stringValue else { throw bad("expected a 0x-hex string") }
            self = .bytes(try Hex.chainDecode(s, what: "bytes"))
        case .string:
            guard let s = json.stringValue else { throw bad("expected a string") }
            self = .string(s)
        case .array(let t, let k):
            guard let a = json.arrayValue, a.count == k else { throw bad("expected a JSON array of \(k) elements") }
            self = .array(try a.map { e throws(ChainError) in try ABIValue(json: e, type: t) })
        case .dynamicArray(let t):
            guard let a = json.arrayValue else { throw bad("expected a JSON array") }
            self = .array(try a.map { e throws(ChainError) in try ABIValue(json: e, type: t) })
        case .tuple(let ts):
            guard let a = json.arrayValue, a.count == ts.count else { throw bad("expected a JSON array of \(ts.count) members") }
            self = .tuple(try zip(a, ts).map { e, t throws(ChainError) in try ABIValue(json: e, type: t) })
        }
    }

    /// A JSON number, decimal string or 0x-hex string as an unsigned 256-bit integer.
    package static func parseUInt(_ json: JSONValue, what: String) throws(ChainError) -> UInt256 {
        let text: String
        switch json {
        case .number(let n): text = n
        case .string(let s): text = s
        default: throw ChainError(.abiTypeMismatch, "\(what): expected an integer (number, decimal string or 0x-hex), got \(json)")
        }
        do {
            if text.hasPrefix("0x") || text.hasPrefix("0X") { return try UInt256(hex: text) }
            return try UInt256(decimal: text)
        } catch {
            throw ChainError(.invalidInteger, "\(what): '\(text)' is not a non-negative integer below 2^256 (\(error.message))")
        }
    }

    /// The value as JSON: integers as decimal strings, addresses checksummed, bytes as 0x-hex.
    public var json: JSONValue {
        switch self {
        case .uint(let v): return .string(v.description)
        case .int(let v): return .string(v.description)
        case .address(let a): return .string(a.checksummed)
        case .bool(let b): return .bool(b)
        case .fixedBytes(let b), .bytes(let b): return .string(Hex.encode(b, prefix: true))
        case .string(let s): return .string(s)
        case .array(let a), .tuple(let a): return .array(a.map(\.json))
        }
    }
}
