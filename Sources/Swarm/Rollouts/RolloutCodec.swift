/// Size limits a receiver enforces on a rollout publication.
public struct RolloutLimits: Hashable, Sendable {
    /// Largest accepted payload in bytes.
    public var maxPayloadBytes: Int = 1 << 20
    /// Most groups per publication.
    public var maxGroups: Int = 64
    /// Most completions per group.
    public var maxCompletions: Int = 64
    /// Longest question or completion in UTF-8 bytes.
    public var maxTextBytes: Int = 8192
    /// Longest node id in UTF-8 bytes.
    public var maxNodeIDBytes: Int = 64

    /// The default limits (1 MiB, 64 groups of 64 completions, 8 KiB texts, 64-byte ids).
    public init() {}
}

/// Why a payload was rejected.
public struct RolloutError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The payload is larger than ``RolloutLimits/maxPayloadBytes``.
        public static let oversized = Code(name: "oversized")
        /// The payload ends inside a field.
        public static let truncated = Code(name: "truncated")
        /// The payload does not start with the `GSRP` magic.
        public static let badMagic = Code(name: "badMagic")
        /// An unknown format version.
        public static let unsupportedVersion = Code(name: "unsupportedVersion")
        /// A text field is not valid UTF-8.
        public static let invalidUTF8 = Code(name: "invalidUTF8")
        /// A count or a length exceeds a ``RolloutLimits`` bound.
        public static let limitExceeded = Code(name: "limitExceeded")
        /// A field has an invalid value (unknown family, bad difficulty, empty id, reward count).
        public static let invalidField = Code(name: "invalidField")
        /// The publication is for another round than the one requested.
        public static let wrongRound = Code(name: "wrongRound")
        /// Bytes follow the end of the publication.
        public static let trailingBytes = Code(name: "trailingBytes")
        /// The question text differs from the one regenerated from the spec.
        public static let questionMismatch = Code(name: "questionMismatch")
        public var description: String { name }
    }
    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String
    init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "RolloutError.\(code): \(message)" }
}

/// The binary rollout publication format (version 1, big-endian):
///
/// ```
/// "GSRP" u8 version=1  u64 round  u16 len + node id (UTF-8)  u16 groupCount
/// per group: u8 family  u8 difficulty  u64 seed  u32 len + question
///            u16 completionCount  per completion: u32 len + text, u32 reward (Float32 bits)
/// ```
///
/// The decoder is strict: every length is bounded by ``RolloutLimits`` before anything is
/// allocated, texts must be valid UTF-8, rewards finite, and nothing may follow the last group.
public enum RolloutCodec {
    static let magic: [UInt8] = Array("GSRP".utf8)
    /// The format version written by ``encode(_:)``.
    public static let version: UInt8 = 1

    /// Encodes a publication. Lengths beyond the field widths are not representable: callers
    /// keep texts within ``RolloutLimits`` (the decoder rejects anything larger anyway).
    public static func encode(_ publication: RolloutPublication) -> [UInt8] {
        var out = magic
        out.append(version)
        put64(&out, publication.round)
        putText16(&out, publication.nodeID)
        put16(&out, UInt16(clamping: publication.groups.count))
        for group in publication.groups.prefix(Int(UInt16.max)) {
            out.append(group.spec.family.wireCode)
            out.append(UInt8(clamping: group.spec.difficulty))
            put64(&out, group.spec.seed)
            putText32(&out, group.question)
            let count = min(group.completions.count, Int(UInt16.max))
            put16(&out, UInt16(count))
            for i in 0..<count {
                putText32(&out, group.completions[i])
                put32(&out, (i < group.rewards.count ? group.rewards[i] : .nan).bitPattern)
            }
        }
        return out
    }

    /// Decodes a publication, rejecting anything malformed with a typed reason.
    ///
    /// - Parameter expectedRound: when given, a publication for another round is rejected with
    ///   ``RolloutError/Code/wrongRound``.
    public static func decode(_ bytes: [UInt8], expectedRound: UInt64? = nil, limits: RolloutLimits = RolloutLimits()) throws(RolloutError) -> RolloutPublication {
        guard bytes.count <= limits.maxPayloadBytes else {
            throw RolloutError(.oversized, "payload of \(bytes.count) bytes exceeds the limit of \(limits.maxPayloadBytes)")
        }
        var r = Reader(bytes: bytes)
        guard try r.bytes(4) == magic[...] else { throw RolloutError(.badMagic, "payload does not start with \"GSRP\"") }
        let v = try r.u8()
        guard v == version else { throw RolloutError(.unsupportedVersion, "format version \(v) is not supported (expected \(version))") }
        let round = try r.u64()
        if let expectedRound, round != expectedRound {
            throw RolloutError(.wrongRound, "publication is for round \(round), expected round \(expectedRound)")
        }
        let nodeID = try r.text(length: Int(try r.u16()), limit: limits.maxNodeIDBytes, field: "node id")
        guard !nodeID.isEmpty else { throw RolloutError(.invalidField, "node id is empty") }
        let groupCount = Int(try r.u16())
        guard groupCount <= limits.maxGroups else {
            throw RolloutError(.limitExceeded, "\(groupCount) groups exceed the limit of \(limits.maxGroups)")
        }
        var groups: [RolloutGroup] = []
        groups.reserveCapacity(groupCount)
        for g in 0..<groupCount {
            let code = try r.u8()
            guard let family = TaskFamily(wireCode: code) else {
                throw RolloutError(.invalidField, "group \(g): unknown task family code \(code)")
            }
            let difficulty = Int(try r.u8())
            let seed = try r.u64()
            let spec: TaskSpec
            do { spec = try TaskSpec(family: family, difficulty: difficulty, seed: seed) } catch {
                throw RolloutError(.invalidField, "group \(g): \(error.message)")
            }
            let question = try r.text(length: Int(try r.u32()), limit: limits.maxTextBytes, field: "group \(g) question")
            let count = Int(try r.u16())
            guard count <= limits.maxCompletions else {
                throw RolloutError(.limitExceeded, "group \(g): \(count) completions exceed the limit of \(limits.maxCompletions)")
            }
            var completions: [String] = []
            var rewards: [Float] = []
            for c in 0..<count {
                completions.append(try r.text(length: Int(try r.u32()), limit: limits.maxTextBytes, field: "group \(g) completion \(c)"))
                let reward = Float(bitPattern: try r.u32())
                guard reward.isFinite else { throw RolloutError(.invalidField, "group \(g) completion \(c): reward is not finite") }
                rewards.append(reward)
            }
            groups.append(RolloutGroup(spec: spec, question: question, completions: completions, rewards: rewards))
        }
        guard r.offset == bytes.count else {
            throw RolloutError(.trailingBytes, "\(bytes.count - r.offset) bytes follow the last group")
        }
        return RolloutPublication(round: round, nodeID: nodeID, groups: groups)
    }

    /// Re-scores a decoded publication with the receiver's own verifier. Each task is regenerated
    /// from its spec; a question text that differs from the regenerated one rejects the whole
    /// publication. The sender's rewards are ignored.
    public static func rescore(_ publication: RolloutPublication, verifier: Verifier) throws(RolloutError) -> [ScoredGroup] {
        var out: [ScoredGroup] = []
        for (g, group) in publication.groups.enumerated() {
            let task = SwarmTask(group.spec)
            guard task.question == group.question else {
                throw RolloutError(.questionMismatch, "group \(g): the question differs from the task regenerated from \(group.spec)")
            }
            out.append(ScoredGroup(task: task, completions: group.completions, origin: publication.nodeID, verifier: verifier))
        }
        return out
    }

    static func put16(_ out: inout [UInt8], _ v: UInt16) { out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xff)) }
    static func put32(_ out: inout [UInt8], _ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8((v >> UInt32(s)) & 0xff)) } }
    static func put64(_ out: inout [UInt8], _ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8((v >> UInt64(s)) & 0xff)) } }
    static func putText16(_ out: inout [UInt8], _ s: String) {
        let u = Array(s.utf8.prefix(Int(UInt16.max)))
        put16(&out, UInt16(u.count)); out += u
    }
    static func putText32(_ out: inout [UInt8], _ s: String) {
        let u = Array(s.utf8)
        put32(&out, UInt32(clamping: u.count)); out += u.prefix(Int(UInt32.max))
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func bytes(_ n: Int) throws(RolloutError) -> ArraySlice<UInt8> {
            guard n >= 0, bytes.count - offset >= n else {
                throw RolloutError(.truncated, "payload ends at byte \(bytes.count) while reading \(n) bytes at offset \(offset)")
            }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }
        mutating func u8() throws(RolloutError) -> UInt8 { try bytes(1).first! }
        mutating func u16() throws(RolloutError) -> UInt16 { try bytes(2).reduce(0) { $0 << 8 | UInt16($1) } }
        mutating func u32() throws(RolloutError) -> UInt32 { try bytes(4).reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func u64() throws(RolloutError) -> UInt64 { try bytes(8).reduce(0) { $0 << 8 | UInt64($1) } }
        mutating func text(length: Int, limit: Int, field: String) throws(RolloutError) -> String {
            guard length <= limit else {
                throw RolloutError(.limitExceeded, "\(field) of \(length) bytes exceeds the limit of \(limit)")
            }
            let raw = try bytes(length)
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw RolloutError(.invalidUTF8, "\(field) is not valid UTF-8")
            }
            return s
        }
    }
}
