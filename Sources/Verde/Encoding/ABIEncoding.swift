import Chain
import GensynPrimitives

/// A Verde value as one ABI tuple (Chain's ABI codec), so a contract can carry and check it.
/// ``abiEncoded`` is Solidity's `abi.encode(field₁, field₂, …)` of the tuple's fields.
///
/// ```swift
/// let bytes = verdict.abiEncoded                       // 9 static words
/// let back = try Verdict(abiEncoded: bytes)
/// ```
public protocol ABIRepresentable {
    /// The tuple type.
    static var abiType: ABIType { get }
    /// The value as a tuple of `abiType`.
    var abiValue: ABIValue { get }
    /// Reads a value back from an ABI value of `abiType`.
    /// - Throws: ``VerdeError`` `.invalidValue` when a field is out of range or malformed.
    init(abiValue: ABIValue) throws(VerdeError)
}

extension ABIRepresentable {
    static var fieldTypes: [ABIType] {
        if case .tuple(let types) = abiType { return types }
        return [abiType]
    }

    /// `abi.encode` of the fields.
    public var abiEncoded: [UInt8] {
        guard case .tuple(let values) = abiValue, let bytes = try? ABI.encode(values, as: Self.fieldTypes) else {
            preconditionFailure("\(Self.self).abiValue does not match its abiType")
        }
        return bytes
    }

    /// Decodes ``abiEncoded`` bytes (strict: Chain's decoder rejects malformed or non-canonical input).
    /// - Throws: ``VerdeError`` `.invalidValue`.
    public init(abiEncoded bytes: [UInt8]) throws(VerdeError) {
        let values: [ABIValue]
        do { values = try ABI.decode(Self.fieldTypes, from: bytes) } catch {
            throw VerdeError(.invalidValue, "not an ABI-encoded \(Self.self): \(error)")
        }
        try self.init(abiValue: .tuple(values))
    }
}

// MARK: - Field helpers

enum ABIField {
    static let u8 = ABIType.uint(8), u64 = ABIType.uint(64), b32 = ABIType.fixedBytes(32)

    static func uint(_ x: Int) -> ABIValue { .uint(UInt256(UInt64(x))) }
    static func uint(_ x: UInt64) -> ABIValue { .uint(UInt256(x)) }
    static func word(_ d: Digest) -> ABIValue { .fixedBytes(d.bytes) }
    static func list<T: ABIRepresentable>(_ items: [T]) -> ABIValue { .array(items.map(\.abiValue)) }

    static func fields(_ value: ABIValue, _ count: Int, _ what: String) throws(VerdeError) -> [ABIValue] {
        guard case .tuple(let items) = value, items.count == count else {
            throw VerdeError(.invalidValue, "\(what): expected a tuple of \(count) fields")
        }
        return items
    }

    static func uint64(_ value: ABIValue, _ what: String) throws(VerdeError) -> UInt64 {
        guard case .uint(let x) = value else { throw VerdeError(.invalidValue, "\(what): expected an unsigned integer") }
        let l = x.littleEndianLimbs
        guard l.1 == 0, l.2 == 0, l.3 == 0 else { throw VerdeError(.invalidValue, "\(what): \(x) does not fit 64 bits") }
        return l.0
    }

    static func int(_ value: ABIValue, _ what: String, max limit: Int = Int.max) throws(VerdeError) -> Int {
        let x = try uint64(value, what)
        guard x <= UInt64(limit) else { throw VerdeError(.invalidValue, "\(what): \(x) is above \(limit)") }
        return Int(x)
    }

    static func digest(_ value: ABIValue, _ what: String) throws(VerdeError) -> Digest {
        guard case .fixedBytes(let b) = value else { throw VerdeError(.invalidValue, "\(what): expected bytes32") }
        return try Digest(bytes: b)
    }

    static func bytes(_ value: ABIValue, _ what: String) throws(VerdeError) -> [UInt8] {
        switch value {
        case .bytes(let b): return b
        case .string(let s): return Array(s.utf8)
        default: throw VerdeError(.invalidValue, "\(what): expected bytes")
        }
    }

    static func string(_ value: ABIValue, _ what: String) throws(VerdeError) -> String {
        guard case .string(let s) = value else { throw VerdeError(.invalidValue, "\(what): expected a string") }
        return s
    }

    static func list<T: ABIRepresentable>(_ value: ABIValue, _: T.Type, _ what: String, max: Int = 1 << 16) throws(VerdeError) -> [T] {
        guard case .array(let items) = value, items.count <= max else {
            throw VerdeError(.invalidValue, "\(what): expected an array of at most \(max) items")
        }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try T(abiValue: item)) }
        return out
    }

    /// An optional as an array of zero or one item.
    static func optional<T: ABIRepresentable>(_ value: ABIValue, _: T.Type, _ what: String) throws(VerdeError) -> T? {
        try list(value, T.self, what, max: 1).first
    }
}

// MARK: - Commitments and proofs

extension InclusionProof: ABIRepresentable {
    /// `(uint64 leafIndex, uint64 leafCount, bytes32[] siblings)`.
    public static let abiType = ABIType.tuple([ABIField.u64, ABIField.u64, .dynamicArray(ABIField.b32)])
    public var abiValue: ABIValue { .tuple([ABIField.uint(leafIndex), ABIField.uint(leafCount), .array(siblings.map(ABIField.word))]) }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 3, "inclusion proof")
        guard case .array(let s) = f[2], s.count <= 64 else { throw VerdeError(.invalidValue, "proof siblings: at most 64") }
        var siblings: [Digest] = []
        for d in s { siblings.append(try ABIField.digest(d, "proof sibling")) }
        self.init(leafIndex: try ABIField.int(f[0], "leaf index"), leafCount: try ABIField.int(f[1], "leaf count"), siblings: siblings)
    }
}

extension NamedTensor: ABIRepresentable {
    /// `(string name, bytes32 digest)`.
    public static let abiType = ABIType.tuple([.string, ABIField.b32])
    public var abiValue: ABIValue { .tuple([.string(name), ABIField.word(digest)]) }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 2, "named tensor")
        self.init(name: try ABIField.string(f[0], "tensor name"), digest: try ABIField.digest(f[1], "tensor digest"))
    }
}

extension OpInput: ABIRepresentable {
    /// `(uint8 tag, uint64 index, string name)`: tag 0 an earlier op (`index`), 1 a checkpoint tensor (`name`).
    public static let abiType = ABIType.tuple([ABIField.u8, ABIField.u64, .string])
    public var abiValue: ABIValue {
        switch self {
        case .op(let i): .tuple([ABIField.uint(0), ABIField.uint(i), .string("")])
        case .checkpoint(let name): .tuple([ABIField.uint(1), ABIField.uint(0), .string(name)])
        }
    }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 3, "op input")
        self = try ABIField.int(f[0], "op input tag", max: 1) == 0
            ? .op(try ABIField.int(f[1], "op input index")) : .checkpoint(try ABIField.string(f[2], "op input name"))
    }
}

extension OpRecord: ABIRepresentable {
    /// `(uint64 index, string kind, bytes attributes, OpInput[] inputs, uint64[] outputShape, bytes32 outputDigest)`.
    public static let abiType = ABIType.tuple([
        ABIField.u64, .string, .bytes, .dynamicArray(OpInput.abiType), .dynamicArray(ABIField.u64), ABIField.b32])
    public var abiValue: ABIValue {
        .tuple([ABIField.uint(index), .string(kind), .bytes(attributes), ABIField.list(inputs),
                .array(outputShape.map { ABIField.uint($0) }), ABIField.word(outputDigest)])
    }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 6, "op record")
        guard case .array(let dims) = f[4], dims.count <= 64 else { throw VerdeError(.invalidValue, "output shape: at most 64 dimensions") }
        var shape: [Int] = []
        for d in dims { shape.append(try ABIField.int(d, "output dimension")) }
        self.init(
            index: try ABIField.int(f[0], "op index"), kind: try ABIField.string(f[1], "op kind"),
            attributes: try ABIField.bytes(f[2], "op attributes"), inputs: try ABIField.list(f[3], OpInput.self, "op inputs"),
            outputShape: shape, outputDigest: try ABIField.digest(f[5], "op output digest"))
    }
}

extension StepCommitment: ABIRepresentable {
    /// `(uint64 opCount, bytes32 traceRoot)`.
    public static let abiType = ABIType.tuple([ABIField.u64, ABIField.b32])
    public var abiValue: ABIValue { .tuple([ABIField.uint(opCount), ABIField.word(traceRoot)]) }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 2, "step commitment")
        self.init(opCount: try ABIField.int(f[0], "op count"), traceRoot: try ABIField.digest(f[1], "trace root"))
    }
}

extension OpOpening: ABIRepresentable {
    /// `(OpRecord record, InclusionProof proof)`.
    public static let abiType = ABIType.tuple([OpRecord.abiType, InclusionProof.abiType])
    public var abiValue: ABIValue { .tuple([record.abiValue, proof.abiValue]) }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 2, "op opening")
        self.init(record: try OpRecord(abiValue: f[0]), proof: try InclusionProof(abiValue: f[1]))
    }
}

extension TensorOpening: ABIRepresentable {
    /// `(NamedTensor tensor, InclusionProof proof)`.
    public static let abiType = ABIType.tuple([NamedTensor.abiType, InclusionProof.abiType])
    public var abiValue: ABIValue { .tuple([tensor.abiValue, proof.abiValue]) }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 2, "tensor opening")
        self.init(tensor: try NamedTensor(abiValue: f[0]), proof: try InclusionProof(abiValue: f[1]))
    }
}

extension InputOpening: ABIRepresentable {
    /// `(uint8 tag, OpOpening[] op, TensorOpening[] tensor)`: exactly one item, in the list the tag names.
    public static let abiType = ABIType.tuple([ABIField.u8, .dynamicArray(OpOpening.abiType), .dynamicArray(TensorOpening.abiType)])
    public var abiValue: ABIValue {
        switch self {
        case .op(let o): .tuple([ABIField.uint(0), .array([o.abiValue]), .array([])])
        case .tensor(let t): .tuple([ABIField.uint(1), .array([]), .array([t.abiValue])])
        }
    }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 3, "input opening")
        let tag = try ABIField.int(f[0], "input opening tag", max: 1)
        let op = try ABIField.list(f[1], OpOpening.self, "op opening", max: 1)
        let tensor = try ABIField.list(f[2], TensorOpening.self, "tensor opening", max: 1)
        switch (tag, op.first, tensor.first) {
        case (0, let o?, nil): self = .op(o)
        case (1, nil, let t?): self = .tensor(t)
        default: throw VerdeError(.invalidValue, "input opening: tag \(tag) needs exactly one opening in its list")
        }
    }
}

extension CheckpointSource: ABIRepresentable {
    /// `(StepCommitment step, InclusionProof stepProof, OpOpening last)`.
    public static let abiType = ABIType.tuple([StepCommitment.abiType, InclusionProof.abiType, OpOpening.abiType])
    public var abiValue: ABIValue { .tuple([step.abiValue, stepProof.abiValue, last.abiValue]) }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 3, "checkpoint source")
        self.init(step: try StepCommitment(abiValue: f[0]), stepProof: try InclusionProof(abiValue: f[1]),
                  last: try OpOpening(abiValue: f[2]))
    }
}

extension OpEvidence: ABIRepresentable {
    /// `(OpRecord record, InputOpening[] inputs, CheckpointSource[] checkpoint)` (the last: zero or one item).
    public static let abiType = ABIType.tuple([
        OpRecord.abiType, .dynamicArray(InputOpening.abiType), .dynamicArray(CheckpointSource.abiType)])
    public var abiValue: ABIValue {
        .tuple([record.abiValue, ABIField.list(inputs), .array(checkpoint.map { [$0.abiValue] } ?? [])])
    }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 3, "op evidence")
        self.init(record: try OpRecord(abiValue: f[0]), inputs: try ABIField.list(f[1], InputOpening.self, "input openings"),
                  checkpoint: try ABIField.optional(f[2], CheckpointSource.self, "checkpoint source"))
    }
}

// MARK: - Messages

extension RefereeMessage: ABIRepresentable {
    /// `(uint8 tag, uint64 round, uint8 tree, uint64 step, uint64 a, uint64 b)` (all static): tag 0
    /// openNode (`a..<b` the node's leaves), 1 openStep, 2 openOp (`a` the op); unused fields 0.
    public static let abiType = ABIType.tuple([ABIField.u8, ABIField.u64, ABIField.u8, ABIField.u64, ABIField.u64, ABIField.u64])
    public var abiValue: ABIValue {
        let f: [Int] = switch self {
        case .openNode(let r, let tree, let step, let range): [0, r, tree.rawValue, step, range.lowerBound, range.upperBound]
        case .openStep(let r, let step): [1, r, 0, step, 0, 0]
        case .openOp(let r, let step, let op): [2, r, 0, step, op, 0]
        }
        return .tuple(f.map { ABIField.uint($0) })
    }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 6, "referee message")
        let tag = try ABIField.int(f[0], "referee message tag", max: 2)
        let round = try ABIField.int(f[1], "round"), step = try ABIField.int(f[3], "step")
        let a = try ABIField.int(f[4], "a"), b = try ABIField.int(f[5], "b")
        switch tag {
        case 0:
            guard a < b else { throw VerdeError(.invalidValue, "empty node range \(a)..<\(b)") }
            let tree = try DisputeTree(rawValue: ABIField.int(f[2], "tree", max: 1))!
            self = .openNode(round: round, tree: tree, step: step, range: a..<b)
        case 1: self = .openStep(round: round, step: step)
        default: self = .openOp(round: round, step: step, op: a)
        }
    }
}

extension PartyMessage: ABIRepresentable {
    /// `(uint8 tag, uint64 round, bytes payload)`: the payload is `abi.encode` of the answer —
    /// `(bytes32 left, bytes32 right)` (tag 0), a ``StepCommitment`` (1) or an ``OpEvidence`` (2).
    public static let abiType = ABIType.tuple([ABIField.u8, ABIField.u64, .bytes])
    static let nodeTypes: [ABIType] = [ABIField.b32, ABIField.b32]
    public var abiValue: ABIValue {
        switch self {
        case .node(let r, let left, let right):
            let payload = (try? ABI.encode([ABIField.word(left), ABIField.word(right)], as: PartyMessage.nodeTypes)) ?? []
            return .tuple([ABIField.uint(0), ABIField.uint(r), .bytes(payload)])
        case .step(let r, let c): return .tuple([ABIField.uint(1), ABIField.uint(r), .bytes(c.abiEncoded)])
        case .evidence(let r, let e): return .tuple([ABIField.uint(2), ABIField.uint(r), .bytes(e.abiEncoded)])
        }
    }
    public init(abiValue: ABIValue) throws(VerdeError) {
        let f = try ABIField.fields(abiValue, 3, "party message")
        let tag = try ABIField.int(f[0], "party message tag", max: 2)
        let round = try ABIField.int(f[1], "round")
        let payload = try ABIField.bytes(f[2], "payload")
        switch tag {
        case 0:
            let d: [ABIValue]
            do { d = try ABI.decode(PartyMessage.nodeTypes, from: payload) } catch {
                throw VerdeError(.invalidValue, "node answer: \(error)")
            }
            self = .node(round: round, left: try ABIField.digest(d[0], "left"), right: try ABIField.digest(d[1], "right"))
        case 1: self = .step(round: round, try StepCommitment(abiEncoded: payload))
        default: self = .evidence(round: round, try OpEvidence(abiEncoded: payload))
        }
    }
}

// MARK: - Rulings

extension Verdict: ABIRepresentable {
    /// `(bytes32 jobID, uint8 winner, uint8 losers, uint8 reason, uint64 step, uint64 op, bytes32
    /// recomputed, bytes32 recordA, bytes32 recordB)`: the same bytes as ``encoded``.
    public static let abiType = ABIType.tuple([
        ABIField.b32, ABIField.u8, ABIField.u8, ABIField.u8, ABIField.u64, ABIField.u64, ABIField.b32, ABIField.b32, ABIField.b32])
    public var abiValue: ABIValue {
        .tuple([
            ABIField.word(jobID), ABIField.uint(winner?.rawValue ?? 0), ABIField.uint(losers.reduce(0) { $0 | $1.rawValue }),
            ABIField.uint(reason.rawValue), ABIField.uint(step.map(UInt64.init) ?? Verdict.notLocated),
            ABIField.uint(op.map(UInt64.init) ?? Verdict.notLocated), ABIField.word(recomputed), ABIField.word(recordA),
            ABIField.word(recordB),
        ])
    }
    public init(abiValue: ABIValue) throws(VerdeError) {
        // The static layout is the word encoding's: decode through it (one set of checks).
        guard case .tuple(let values) = abiValue, let bytes = try? ABI.encode(values, as: Verdict.fieldTypes) else {
            throw VerdeError(.invalidValue, "verdict: expected a tuple of \(Verdict.fieldTypes.count) fields")
        }
        try self.init(encoded: bytes)
    }
}

extension SlashingRecord: ABIRepresentable {
    /// `(bytes32 jobID, address winner, address loser, uint64 step, uint64 op, uint8 reason,
    /// bytes32 recomputed, bytes32 verdictDigest)`: the same bytes as ``encoded``.
    public static let abiType = ABIType.tuple([
        ABIField.b32, .address, .address, ABIField.u64, ABIField.u64, ABIField.u8, ABIField.b32, ABIField.b32])
    public var abiValue: ABIValue {
        func address(_ a: PartyAddress) -> ABIValue {
            (try? Address(bytes: a.bytes)).map { .address($0) } ?? .address(Address.zero)
        }
        return .tuple([
            ABIField.word(jobID), address(winner), address(loser), ABIField.uint(step.map(UInt64.init) ?? Verdict.notLocated),
            ABIField.uint(op.map(UInt64.init) ?? Verdict.notLocated), ABIField.uint(reason.rawValue), ABIField.word(recomputed),
            ABIField.word(verdictDigest),
        ])
    }
    public init(abiValue: ABIValue) throws(VerdeError) {
        guard case .tuple(let values) = abiValue, let bytes = try? ABI.encode(values, as: SlashingRecord.fieldTypes) else {
            throw VerdeError(.invalidValue, "slashing record: expected a tuple of \(SlashingRecord.fieldTypes.count) fields")
        }
        try self.init(encoded: bytes)
    }
}
