/// A Solidity ABI type: the whole grammar of elementary types, fixed and dynamic arrays, and tuples.
///
/// ```swift
/// let t = try ABIType("(uint256,bytes32[],(address,string)[2])")
/// t.isDynamic        // true
/// t.description      // "(uint256,bytes32[],(address,string)[2])"
/// ```
// Only the two cases that nest a type directly are boxed; elementary types stay inline, so copying and
// matching them (the encoder's hot path) costs no retain/release.
public enum ABIType: Hashable, Sendable, CustomStringConvertible {
    /// `uintN`, N the bit width (8…256, a multiple of 8).
    case uint(Int)
    /// `intN`, N the bit width (8…256, a multiple of 8).
    case int(Int)
    /// `address` (20 bytes).
    case address
    /// `bool`.
    case bool
    /// `bytesN`, N the byte length (1…32).
    case fixedBytes(Int)
    /// `bytes`, dynamic.
    case bytes
    /// `string`, dynamic UTF-8.
    case string
    /// `T[k]`.
    indirect case array(ABIType, Int)
    /// `T[]`.
    indirect case dynamicArray(ABIType)
    /// `(T1,T2,…)`.
    case tuple([ABIType])

    /// The deepest nesting of arrays and tuples the parser accepts.
    public static let maxNesting = 32

    /// Parses a canonical or alias type string (`uint` = `uint256`, `int` = `int256`, `byte` = `bytes1`,
    /// `function` = `bytes24`; an optional `tuple` before a parenthesis).
    /// - Throws: ``ChainError/Code/abiInvalidType`` with the position of the problem.
    public init(_ text: some StringProtocol) throws(ChainError) {
        var parser = ABITypeParser(Array(String(text).utf8))
        let t = try parser.parseType(depth: 0)
        parser.skipSpaces()
        guard parser.atEnd else { throw parser.error("unexpected text after the type") }
        self = t
    }

    /// The canonical type string (as used in selectors).
    public var description: String {
        switch self {
        case .uint(let n): return "uint\(n)"
        case .int(let n): return "int\(n)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let n): return "bytes\(n)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let t, let k): return "\(t)[\(k)]"
        case .dynamicArray(let t): return "\(t)[]"
        case .tuple(let ts): return "(" + ts.map(\.description).joined(separator: ",") + ")"
        }
    }

    /// uintN, intN, address, bool or bytesN: one word, no nesting.
    var isElementaryStatic: Bool {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes: return true
        default: return false
        }
    }

    /// True when the encoding has a variable size (stored in the tail behind an offset).
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .dynamicArray: return true
        case .array(let t, let k): return k > 0 && t.isDynamic
        case .tuple(let ts): return ts.contains { $0.isDynamic }
        default: return false
        }
    }

    /// Bytes this type takes in the head of its enclosing tuple: 32 for dynamic types (the offset),
    /// the full static size otherwise.
    public var headSize: Int {
        if isDynamic { return 32 }
        switch self {
        case .array(let t, let k): return k * t.headSize
        case .tuple(let ts): return ts.reduce(0) { $0 + $1.headSize }
        default: return 32
        }
    }
}

/// A function or error signature: `name(types)`, parameter names allowed (`transfer(address to, uint256)`).
public struct ABISignature: Hashable, Sendable, CustomStringConvertible {
    /// The function name.
    public let name: String
    /// Parameter types.
    public let inputs: [ABIType]

    /// A signature from its parts.
    public init(name: String, inputs: [ABIType]) {
        self.name = name
        self.inputs = inputs
    }

    /// Parses `name(type [name], …)`; an optional leading `function `/`error `/`event ` keyword and
    /// trailing `returns (…)` are ignored.
    /// - Throws: ``ChainError/Code/abiInvalidType``.
    public init(_ text: some StringProtocol) throws(ChainError) {
        var s = Substring(text).drop { $0 == " " }
        for keyword in ["function ", "error ", "event "] where s.hasPrefix(keyword) { s = s.dropFirst(keyword.count) }
        guard let open = s.firstIndex(of: "(") else {
            throw ChainError(.abiInvalidType, "signature '\(text)' has no parameter list: write it like transfer(address,uint256)")
        }
        let name = s[..<open].trimmingSpaces
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }),
              !(name.first!.isNumber)
        else { throw ChainError(.abiInvalidType, "signature '\(text)': '\(name)' is not a valid function name") }
        var parser = ABITypeParser(Array(String(s[open...]).utf8))
        let params = try parser.parseTupleBody(depth: 0, allowNames: true)
        parser.skipSpaces()
        let rest = String(decoding: parser.remaining, as: UTF8.self)
        guard rest.isEmpty || rest.hasPrefix("returns") || rest.hasPrefix("external") || rest.hasPrefix("view")
            || rest.hasPrefix("public") || rest.hasPrefix("pure") || rest.hasPrefix("payable") || rest.hasPrefix("nonpayable")
        else { throw ChainError(.abiInvalidType, "signature '\(text)': unexpected '\(rest)' after the parameters") }
        self.name = String(name)
        self.inputs = params
    }

    /// The canonical form `name(type1,type2)` that selectors hash.
    public var description: String { name + ABIType.tuple(inputs).description }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}

struct ABITypeParser {
    let text: [UInt8]
    var position = 0

    init(_ text: [UInt8]) { self.text = text }

    var atEnd: Bool { position >= text.count }
    var remaining: ArraySlice<UInt8> { text[position...] }
    var peek: UInt8? { atEnd ? nil : text[position] }

    func error(_ message: String) -> ChainError {
        ChainError(.abiInvalidType, "ABI type '\(String(decoding: text, as: UTF8.self))' at character \(position): \(message)")
    }

    mutating func skipSpaces() { while peek == UInt8(ascii: " ") { position += 1 } }

    mutating func parseType(depth: Int) throws(ChainError) -> ABIType {
        guard depth <= ABIType.maxNesting else { throw error("nested deeper than \(ABIType.maxNesting) levels") }
        skipSpaces()
        var base: ABIType
        if remaining.starts(with: Array("tuple(".utf8)) { position += 5 }
        if peek == UInt8(ascii: "(") {
            base = .tuple(try parseTupleBody(depth: depth + 1, allowNames: false))
        } else {
            let start = position
            while let c = peek, isIdentifier(c) { position += 1 }
            let word = String(decoding: text[start..<position], as: UTF8.self)
            guard !word.isEmpty else { throw error("expected a type") }
            base = try elementary(word)
        }
        // Array suffixes.
        var dims = 0
        while peek == UInt8(ascii: "[") {
            dims += 1
            guard depth + dims <= ABIType.maxNesting else { throw error("nested deeper than \(ABIType.maxNesting) levels") }
            position += 1
            let start = position
            while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { position += 1 }
            guard peek == UInt8(ascii: "]") else { throw error("expected ']' or a length") }
            let digits = text[start..<position]
            position += 1
            if digits.isEmpty {
                base = .dynamicArray(base)
            } else {
                guard digits.count <= 9, digits.first != UInt8(ascii: "0") || digits.count == 1,
                      let k = Int(String(decoding: digits, as: UTF8.self)), k > 0
                else { throw error("fixed array length must be a positive integer without leading zeros (below 10^9)") }
                base = .array(base, k)
            }
        }
        return base
    }

    /// Parses `(T [name], …)`, the opening parenthesis at `position`.
    mutating func parseTupleBody(depth: Int, allowNames: Bool) throws(ChainError) -> [ABIType] {
        guard depth <= ABIType.maxNesting else { throw error("nested deeper than \(ABIType.maxNesting) levels") }
        guard peek == UInt8(ascii: "(") else { throw error("expected '('") }
        position += 1
        var items: [ABIType] = []
        skipSpaces()
        if peek == UInt8(ascii: ")") { position += 1; return items }
        while true {
            items.append(try parseType(depth: depth))
            skipSpaces()
            if allowNames, let c = peek, isIdentifier(c) {
                while let c = peek, isIdentifier(c) { position += 1 }  // a parameter name (or `indexed`)
                skipSpaces()
                if let c = peek, isIdentifier(c) { while let c = peek, isIdentifier(c) { position += 1 }; skipSpaces() }
            }
            guard let c = peek else { throw error("missing ')'") }
            position += 1
            if c == UInt8(ascii: ")") { return items }
            guard c == UInt8(ascii: ",") else { throw error("expected ',' or ')'") }
        }
    }

    func isIdentifier(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
    }

    func elementary(_ word: String) throws(ChainError) -> ABIType {
        switch word {
        case "address": return .address
        case "bool": return .bool
        case "bytes": return .bytes
        case "string": return .string
        case "uint": return .uint(256)
        case "int": return .int(256)
        case "byte": return .fixedBytes(1)
        case "function": return .fixedBytes(24)
        default: break
        }
        func number(after prefix: String) -> Int? {
            guard word.hasPrefix(prefix) else { return nil }
            let digits = word.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.first != "0", digits.allSatisfy(\.isASCIIDigit), digits.count <= 3 else { return nil }
            return Int(digits)
        }
        if let n = number(after: "uint") {
            guard n % 8 == 0, (8...256).contains(n) else { throw error("uint\(n): the width must be a multiple of 8 in 8…256") }
            return .uint(n)
        }
        if let n = number(after: "int") {
            guard n % 8 == 0, (8...256).contains(n) else { throw error("int\(n): the width must be a multiple of 8 in 8…256") }
            return .int(n)
        }
        if let n = number(after: "bytes") {
            guard (1...32).contains(n) else { throw error("bytes\(n): the length must be 1…32") }
            return .fixedBytes(n)
        }
        throw error("unknown type '\(word)'")
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
