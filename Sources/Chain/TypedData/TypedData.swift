import GensynPrimitives

/// EIP-712 typed structured data, as wallets accept it for `eth_signTypedData_v4`.
///
/// ```swift
/// let typed = try TypedData(json: jsonText)
/// let digest = try typed.signingHash()          // keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))
/// let signature = try key.sign(digest: digest)
/// ```
public struct TypedData: Sendable {
    /// One member of a struct type.
    public struct Field: Hashable, Sendable {
        /// Member name.
        public let name: String
        /// Member type: an atomic ABI type, `string`, `bytes`, a struct name, or an array of these.
        public let type: String
    }

    /// Struct types by name (`EIP712Domain` included when the document lists it).
    public let types: [String: [Field]]
    /// The type of ``message``.
    public let primaryType: String
    /// The domain values.
    public let domain: JSONValue
    /// The message values.
    public let message: JSONValue

    /// The deepest struct/array nesting accepted.
    static let maxDepth = 64

    /// Parses `{"types", "primaryType", "domain", "message"}`.
    /// - Throws: ``ChainError/Code/invalidTypedData``.
    public init(json text: some StringProtocol) throws(ChainError) {
        let doc = try JSONValue(parsing: text)
        guard let typesJSON = doc["types"]?.objectValue else { throw ChainError(.invalidTypedData, "typed data needs a 'types' object") }
        var types: [String: [Field]] = [:]
        for (name, fields) in typesJSON {
            guard let list = fields.arrayValue else { throw ChainError(.invalidTypedData, "type \(name) must list its fields in an array") }
            types[name] = try list.map { f throws(ChainError) in
                guard let n = f["name"]?.stringValue, let t = f["type"]?.stringValue else {
                    throw ChainError(.invalidTypedData, "a field of \(name) needs 'name' and 'type'")
                }
                return Field(name: n, type: t)
            }
        }
        guard let primary = doc["primaryType"]?.stringValue else { throw ChainError(.invalidTypedData, "typed data needs 'primaryType'") }
        guard types[primary] != nil || primary == "EIP712Domain" else {
            throw ChainError(.invalidTypedData, "primaryType \(primary) is not among the types")
        }
        let domain = doc["domain"] ?? .object([])
        if types["EIP712Domain"] == nil {
            // Infer the domain type from the members present, in the order EIP-712 lists them.
            let known = [("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "address"), ("salt", "bytes32")]
            types["EIP712Domain"] = known.filter { domain[$0.0] != nil }.map { Field(name: $0.0, type: $0.1) }
        }
        self.types = types
        self.primaryType = primary
        self.domain = domain
        self.message = doc["message"] ?? .object([])
    }

    /// `Name(type1 name1,…)` followed by its referenced struct types sorted by name.
    public func encodeType(_ name: String) throws(ChainError) -> String {
        var deps = Set<String>()
        try collectDependencies(name, into: &deps, depth: 0)
        deps.remove(name)
        return try ([name] + deps.sorted()).map { t throws(ChainError) in
            t + "(" + (try fields(t)).map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
        }.joined()
    }

    /// keccak256 of ``encodeType(_:)``.
    public func typeHash(_ name: String) throws(ChainError) -> [UInt8] { Keccak256.hash(Array(try encodeType(name).utf8)) }

    /// `typeHash ‖ encoded members` of `value` as struct `name`.
    public func encodeData(_ name: String, _ value: JSONValue) throws(ChainError) -> [UInt8] {
        try encodeData(name, value, depth: 0)
    }

    /// keccak256 of ``encodeData(_:_:)``.
    public func hashStruct(_ name: String, _ value: JSONValue) throws(ChainError) -> [UInt8] {
        Keccak256.hash(try encodeData(name, value))
    }

    /// hashStruct of the domain.
    public func domainSeparator() throws(ChainError) -> [UInt8] { try hashStruct("EIP712Domain", domain) }

    /// keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(primaryType, message)): the digest to sign.
    public func signingHash() throws(ChainError) -> [UInt8] {
        var bytes: [UInt8] = [0x19, 0x01]
        bytes += try domainSeparator()
        if primaryType != "EIP712Domain" { bytes += try hashStruct(primaryType, message) }
        return Keccak256.hash(bytes)
    }

    // MARK: Internals

    func fields(_ name: String) throws(ChainError) -> [Field] {
        guard let f = types[name] else { throw ChainError(.invalidTypedData, "unknown struct type '\(name)'") }
        return f
    }

    /// The element type of an array type (`T[]`/`T[k]` → `T`), with the length (nil for dynamic).
    static func splitArray(_ type: String) -> (element: String, length: Int?)? {
        guard type.hasSuffix("]"), let open = type.lastIndex(of: "[") else { return nil }
        let inner = type[type.index(after: open)..<type.index(before: type.endIndex)]
        return (String(type[..<open]), inner.isEmpty ? nil : Int(inner))
    }

    func collectDependencies(_ type: String, into deps: inout Set<String>, depth: Int) throws(ChainError) {
        guard depth < Self.maxDepth else { throw ChainError(.invalidTypedData, "types nested deeper than \(Self.maxDepth)") }
        var base = type
        while let (e, _) = Self.splitArray(base) { base = e }
        guard let fields = types[base], !deps.contains(base) else { return }
        deps.insert(base)
        for f in fields { try collectDependencies(f.type, into: &deps, depth: depth + 1) }
    }

    func encodeData(_ name: String, _ value: JSONValue, depth: Int) throws(ChainError) -> [UInt8] {
        guard depth < Self.maxDepth else { throw ChainError(.invalidTypedData, "data nested deeper than \(Self.maxDepth)") }
        guard value.objectValue != nil else { throw ChainError(.invalidTypedData, "value of struct \(name) must be an object, got \(value)") }
        var out = try typeHash(name)
        for f in try fields(name) {
            guard let v = value[f.name] else { throw ChainError(.invalidTypedData, "\(name).\(f.name) is missing") }
            out += try encodeField(f.type, v, path: "\(name).\(f.name)", depth: depth + 1)
        }
        return out
    }

    func encodeField(_ type: String, _ value: JSONValue, path: String, depth: Int) throws(ChainError) -> [UInt8] {
        guard depth < Self.maxDepth else { throw ChainError(.invalidTypedData, "data nested deeper than \(Self.maxDepth)") }
        if types[type] != nil {
            return Keccak256.hash(try encodeData(type, value, depth: depth + 1))
        }
        if let (element, length) = Self.splitArray(type) {
            guard let items = value.arrayValue else { throw ChainError(.invalidTypedData, "\(path) must be an array") }
            if let length, items.count != length {
                throw ChainError(.invalidTypedData, "\(path) must have \(length) elements, has \(items.count)")
            }
            var concat = [UInt8]()
            for (i, item) in items.enumerated() { concat += try encodeField(element, item, path: "\(path)[\(i)]", depth: depth + 1) }
            return Keccak256.hash(concat)
        }
        switch type {
        case "string":
            guard let s = value.stringValue else { throw ChainError(.invalidTypedData, "\(path) must be a string") }
            return Keccak256.hash(Array(s.utf8))
        case "bytes":
            guard let s = value.stringValue else { throw ChainError(.invalidTypedData, "\(path) must be 0x-hex") }
            return Keccak256.hash(try Hex.chainDecode(s, what: path))
        default:
            let abiType: ABIType
            do { abiType = try ABIType(type) } catch {
                throw ChainError(.invalidTypedData, "\(path): unknown type '\(type)'")
            }
            switch abiType {
            case .uint, .int, .address, .bool, .fixedBytes: break
            default: throw ChainError(.invalidTypedData, "\(path): '\(type)' is not an EIP-712 atomic type")
            }
            let v: ABIValue
            do { v = try ABIValue(json: value, type: abiType) } catch {
                throw ChainError(.invalidTypedData, "\(path): \(error.message)")
            }
            return try ABI.encode(v, as: abiType)
        }
    }
}
