import GensynPrimitives

/// One parameter of a function, event or error in a JSON ABI.
public struct ABIParameter: Hashable, Sendable {
    /// The parameter name (may be empty).
    public let name: String
    /// Its type.
    public let type: ABIType
    /// For event parameters: stored in a topic rather than in the data.
    public let indexed: Bool

    /// A parameter from its parts.
    public init(name: String = "", type: ABIType, indexed: Bool = false) {
        self.name = name
        self.type = type
        self.indexed = indexed
    }
}

/// A contract function from a JSON ABI.
public struct ABIFunction: Hashable, Sendable {
    /// The function name.
    public let name: String
    /// Arguments.
    public let inputs: [ABIParameter]
    /// Return values.
    public let outputs: [ABIParameter]
    /// `pure`, `view`, `nonpayable` or `payable`.
    public let stateMutability: String

    /// The canonical signature.
    public var signature: ABISignature { ABISignature(name: name, inputs: inputs.map(\.type)) }
    /// The 4-byte selector.
    public var selector: [UInt8] { signature.selector }
    /// True for `view` and `pure` functions (call them; do not send transactions).
    public var isReadOnly: Bool { stateMutability == "view" || stateMutability == "pure" }

    /// Calldata for a call with `arguments`.
    public func encodeCall(_ arguments: [ABIValue]) throws(ChainError) -> [UInt8] { try signature.calldata(arguments) }

    /// Decodes the return data.
    public func decodeOutput(_ data: some Collection<UInt8>) throws(ChainError) -> [ABIValue] {
        try ABI.decode(outputs.map(\.type), from: data)
    }
}

/// A contract event from a JSON ABI.
public struct ABIEvent: Hashable, Sendable {
    /// The event name.
    public let name: String
    /// Parameters, indexed and not.
    public let inputs: [ABIParameter]
    /// Anonymous events have no signature topic.
    public let anonymous: Bool

    /// The canonical signature.
    public var signature: ABISignature { ABISignature(name: name, inputs: inputs.map(\.type)) }
    /// keccak256 of the signature: the first topic of a non-anonymous log.
    public var topic0: [UInt8] { Keccak256.hash(Array(signature.description.utf8)) }

    /// Decodes a log into (name, value) pairs in declaration order.
    ///
    /// Indexed parameters of dynamic or composite type are stored as the keccak256 of their encoding;
    /// they decode as `.fixedBytes(hash)`.
    /// - Throws: ``ChainError/Code/abiInvalidData`` when the topics do not match this event.
    public func decodeLog(topics: [[UInt8]], data: some Collection<UInt8>) throws(ChainError) -> [(name: String, value: ABIValue)] {
        var topicIndex = 0
        if !anonymous {
            guard topics.first == topic0 else {
                throw ChainError(.abiInvalidData, "log topic0 is not the signature hash of \(signature)")
            }
            topicIndex = 1
        }
        let indexedCount = inputs.filter(\.indexed).count
        guard topics.count == topicIndex + indexedCount else {
            throw ChainError(.abiInvalidData, "event \(signature) has \(indexedCount) indexed parameter(s), the log has \(topics.count - topicIndex) topic(s)")
        }
        let dataValues = try ABI.decode(inputs.filter { !$0.indexed }.map(\.type), from: data)
        var dataIndex = 0
        var out: [(name: String, value: ABIValue)] = []
        for p in inputs {
            if p.indexed {
                let topic = topics[topicIndex]
                topicIndex += 1
                guard topic.count == 32 else { throw ChainError(.abiInvalidData, "a log topic is 32 bytes, got \(topic.count)") }
                switch p.type {
                case .bytes, .string, .array, .dynamicArray, .tuple: out.append((p.name, .fixedBytes(topic)))
                default: out.append((p.name, try ABI.decode(p.type, from: topic)))
                }
            } else {
                out.append((p.name, dataValues[dataIndex]))
                dataIndex += 1
            }
        }
        return out
    }
}

/// A custom error from a JSON ABI.
public struct ABIErrorDefinition: Hashable, Sendable {
    /// The error name.
    public let name: String
    /// Its parameters.
    public let inputs: [ABIParameter]
    /// The canonical signature.
    public var signature: ABISignature { ABISignature(name: name, inputs: inputs.map(\.type)) }
    /// The 4-byte selector that starts revert data.
    public var selector: [UInt8] { signature.selector }
}

/// Why a call reverted, decoded from its revert data.
public enum RevertReason: Hashable, Sendable, CustomStringConvertible {
    /// No data (`revert()` or `require(cond)` without a message).
    case empty
    /// `Error(string)`: `require`/`revert` with a message.
    case error(String)
    /// `Panic(uint256)`: a compiler-inserted check (0x11 overflow, 0x12 division by zero, 0x32 index…).
    case panic(UInt256)
    /// A custom error declared in the contract ABI, with its arguments.
    case custom(name: String, arguments: [ABIValue])
    /// Data that matches none of the above.
    case unknown([UInt8])

    /// `Error(string)`'s selector, 0x08c379a0.
    public static let errorSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    /// `Panic(uint256)`'s selector, 0x4e487b71.
    public static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    /// Decodes revert data, trying `Error(string)`, `Panic(uint256)`, then `customErrors`.
    public init(data: some Collection<UInt8>, customErrors: [ABIErrorDefinition] = []) {
        let d = Array(data)
        guard d.count >= 4 else { self = d.isEmpty ? .empty : .unknown(d); return }
        let selector = Array(d.prefix(4)), body = d.dropFirst(4)
        if selector == RevertReason.errorSelector, let v = try? ABI.decode(.string, from: body), case .string(let s) = v {
            self = .error(s)
        } else if selector == RevertReason.panicSelector, let v = try? ABI.decode(.uint(256), from: body), case .uint(let code) = v {
            self = .panic(code)
        } else if let e = customErrors.first(where: { $0.selector == selector }),
                  let args = try? ABI.decode(e.inputs.map(\.type), from: body) {
            self = .custom(name: e.name, arguments: args)
        } else {
            self = .unknown(d)
        }
    }

    /// Revert data for `Error(message)`, as Solidity's `require(cond, message)` produces.
    public static func errorData(_ message: String) -> [UInt8] {
        errorSelector + (try! ABI.encode(.string(message), as: .string))  // a string always encodes
    }

    public var description: String {
        switch self {
        case .empty: return "reverted without data"
        case .error(let s): return "reverted: \(s)"
        case .panic(let c): return "panic \(c.hexString)"
        case .custom(let name, let args): return "\(name)(\(args.map { $0.json.description }.joined(separator: ", ")))"
        case .unknown(let d): return "reverted with data \(Hex.encode(d, prefix: true))"
        }
    }
}

/// A contract's JSON ABI (as solc, vyper and Foundry emit): functions, events and errors.
///
/// ```swift
/// let abi = try ContractABI(json: #"[{"type":"function","name":"get","inputs":[],"outputs":[{"name":"","type":"uint256"}],"stateMutability":"view"}]"#)
/// let calldata = try abi.function("get").encodeCall([])
/// ```
public struct ContractABI: Hashable, Sendable {
    /// Functions, in file order.
    public let functions: [ABIFunction]
    /// Events, in file order.
    public let events: [ABIEvent]
    /// Custom errors, in file order.
    public let errors: [ABIErrorDefinition]
    /// Constructor parameters (empty when there is no constructor).
    public let constructorInputs: [ABIParameter]

    /// Parses a JSON ABI: an array of entries, or an object with an `abi` member (compiler output).
    /// - Throws: ``ChainError/Code/abiInvalidJSON`` or ``ChainError/Code/abiInvalidType``.
    public init(json text: some StringProtocol) throws(ChainError) {
        var doc = try JSONValue(parsing: text)
        if let inner = doc["abi"] { doc = inner }
        guard let entries = doc.arrayValue else { throw ChainError(.abiInvalidJSON, "a JSON ABI is an array of entries") }
        var functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABIErrorDefinition] = []
        var ctor: [ABIParameter] = []
        for e in entries {
            let kind = e["type"]?.stringValue ?? "function"
            let name = e["name"]?.stringValue ?? ""
            let inputs = try ContractABI.parameters(e["inputs"])
            switch kind {
            case "function":
                let mutability = e["stateMutability"]?.stringValue
                    ?? (e["constant"] == .bool(true) ? "view" : (e["payable"] == .bool(true) ? "payable" : "nonpayable"))
                functions.append(ABIFunction(name: name, inputs: inputs, outputs: try ContractABI.parameters(e["outputs"]), stateMutability: mutability))
            case "event": events.append(ABIEvent(name: name, inputs: inputs, anonymous: e["anonymous"] == .bool(true)))
            case "error": errors.append(ABIErrorDefinition(name: name, inputs: inputs))
            case "constructor": ctor = inputs
            default: break  // fallback, receive
            }
        }
        self.functions = functions
        self.events = events
        self.errors = errors
        self.constructorInputs = ctor
    }

    static func parameters(_ json: JSONValue?) throws(ChainError) -> [ABIParameter] {
        guard let json, json != .null else { return [] }
        guard let list = json.arrayValue else { throw ChainError(.abiInvalidJSON, "ABI inputs/outputs must be arrays") }
        return try list.map { p throws(ChainError) in
            ABIParameter(name: p["name"]?.stringValue ?? "", type: try parameterType(p), indexed: p["indexed"] == .bool(true))
        }
    }

    static func parameterType(_ p: JSONValue) throws(ChainError) -> ABIType {
        guard let t = p["type"]?.stringValue else { throw ChainError(.abiInvalidJSON, "ABI parameter without a type: \(p)") }
        guard t.hasPrefix("tuple") else { return try ABIType(t) }
        let members = try parameters(p["components"]).map(\.type)
        return try ABIType(ABIType.tuple(members).description + t.dropFirst(5))
    }

    /// The function named `name` (the first overload when several share it).
    /// - Throws: ``ChainError/Code/abiInvalidType`` when absent.
    public func function(_ name: String) throws(ChainError) -> ABIFunction {
        if let f = functions.first(where: { $0.name == name || $0.signature.description == name }) { return f }
        throw ChainError(.abiInvalidType, "the ABI has no function '\(name)' (has: \(functions.map(\.name).joined(separator: ", ")))")
    }

    /// The event named `name`.
    public func event(_ name: String) throws(ChainError) -> ABIEvent {
        if let e = events.first(where: { $0.name == name }) { return e }
        throw ChainError(.abiInvalidType, "the ABI has no event '\(name)'")
    }

    /// Decodes a log with whichever event's topic0 matches.
    public func decodeLog(topics: [[UInt8]], data: [UInt8]) throws(ChainError) -> (event: ABIEvent, values: [(name: String, value: ABIValue)]) {
        guard let e = events.first(where: { !$0.anonymous && topics.first == $0.topic0 }) else {
            throw ChainError(.abiInvalidData, "no event in the ABI matches topic0 \(topics.first.map { Hex.encode($0, prefix: true) } ?? "(none)")")
        }
        return (e, try e.decodeLog(topics: topics, data: data))
    }

    /// Decodes revert data with this ABI's custom errors.
    public func decodeRevert(_ data: some Collection<UInt8>) -> RevertReason { RevertReason(data: data, customErrors: errors) }
}
