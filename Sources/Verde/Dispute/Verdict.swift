/// Why a dispute ended as it did.
public enum VerdictReason: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The parties published the same job root: nothing to dispute.
    case noDispute = 0
    /// The loser's output digest differs from the referee's re-execution on the agreed inputs.
    case wrongOutput = 1
    /// The loser's op record is not the op the program runs there (kind, attributes, inputs, shape).
    case invalidOp = 2
    /// The loser's step has a different number of ops than the program.
    case wrongOpCount = 3
    /// The loser sent an answer that does not check out: a node or leaf not matching its own
    /// commitments, a bad proof, an answer to another round or question.
    case invalidProof = 4
    /// The loser did not answer before the round's deadline.
    case timeout = 5
    /// Both records check out: the re-executor cannot tell them apart. No one is slashed.
    case inconclusive = 6

    public var description: String {
        ["noDispute", "wrongOutput", "invalidOp", "wrongOpCount", "invalidProof", "timeout", "inconclusive"][rawValue]
    }
}

/// The referee's ruling.
///
/// Encoding (all static words, so identical to ABI `abi.encode(bytes32, uint8, uint8, uint8,
/// uint64, uint64, bytes32, bytes32, bytes32)`): `jobID`, `winner` (0 none, 1 A, 2 B), `losers`
/// (bit 1 = A, bit 2 = B), `reason`, `step`, `op` (2^64 − 1 when not located), then the evidence:
/// the referee's recomputed output digest, A's and B's record leaf hashes (zero when absent).
public struct Verdict: Sendable, Hashable, WordCodable, CustomStringConvertible {
    /// Marker for a step or op that was not reached.
    public static let notLocated = UInt64.max

    /// The job's id (``JobSpec/digest``).
    public var jobID: Digest
    /// The party that won, if one did.
    public var winner: Disputant?
    /// The parties to slash (none, one, or both when both cheated or both went silent).
    public var losers: Set<Disputant>
    /// Why.
    public var reason: VerdictReason
    /// The disputed step (1-based), when located.
    public var step: Int?
    /// The disputed op index, when located.
    public var op: Int?
    /// Output digest the referee computed for the disputed op (zero when it did not re-execute).
    public var recomputed: Digest
    /// Leaf hashes of A's and B's records of the disputed op (zero when absent).
    public var recordA: Digest
    /// See ``recordA``.
    public var recordB: Digest

    /// A verdict.
    public init(
        jobID: Digest, winner: Disputant?, losers: Set<Disputant>, reason: VerdictReason, step: Int?, op: Int?,
        recomputed: Digest = .zero, recordA: Digest = .zero, recordB: Digest = .zero
    ) {
        self.jobID = jobID
        self.winner = winner
        self.losers = losers
        self.reason = reason
        self.step = step
        self.op = op
        self.recomputed = recomputed
        self.recordA = recordA
        self.recordB = recordB
    }

    public var description: String {
        "Verdict(winner: \(winner.map { "\($0)" } ?? "none"), losers: \(losers.map(\.description).sorted()), "
            + "reason: \(reason), step: \(step.map(String.init) ?? "-"), op: \(op.map(String.init) ?? "-"))"
    }

    public func encode(to writer: inout WordWriter) {
        writer.write(jobID)
        writer.write(winner?.rawValue ?? 0)
        writer.write(losers.reduce(0) { $0 | $1.rawValue })
        writer.write(reason.rawValue)
        writer.write(step.map(UInt64.init) ?? Verdict.notLocated)
        writer.write(op.map(UInt64.init) ?? Verdict.notLocated)
        writer.write(recomputed)
        writer.write(recordA)
        writer.write(recordB)
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        jobID = try reader.readDigest("job id")
        let w = try reader.readInt("winner", max: 2)
        winner = w == 0 ? nil : Disputant(rawValue: w)
        let l = try reader.readInt("losers", max: 3)
        losers = Set(Disputant.allCases.filter { l & $0.rawValue != 0 })
        reason = try VerdictReason(rawValue: reader.readInt("reason", max: VerdictReason.allCases.count - 1))!
        let s = try reader.readUInt64("step"), o = try reader.readUInt64("op")
        guard s == Verdict.notLocated || s <= UInt64(Int.max), o == Verdict.notLocated || o <= UInt64(Int.max) else {
            throw VerdeError(.invalidWord, "step or op out of range")
        }
        step = s == Verdict.notLocated ? nil : Int(s)
        op = o == Verdict.notLocated ? nil : Int(o)
        recomputed = try reader.readDigest("recomputed")
        recordA = try reader.readDigest("record A")
        recordB = try reader.readDigest("record B")
        if let winner, losers != [winner.other] {
            throw VerdeError(.invalidValue, "the winner \(winner) must come with exactly the other party as loser")
        }
    }

    /// The verdict's digest (Keccak-256 of the encoding), cited by slashing records.
    public var digest: Digest { Digest.keccak(encoded) }
}

/// A 20-byte account address (an EVM address) of a party.
public struct PartyAddress: Sendable, Hashable, CustomStringConvertible {
    /// The 20 bytes.
    public let bytes: [UInt8]

    /// An address from exactly 20 bytes.
    /// - Throws: ``VerdeError`` `.invalidLength`.
    public init(bytes: [UInt8]) throws(VerdeError) {
        guard bytes.count == 20 else { throw VerdeError(.invalidLength, "an address is 20 bytes, got \(bytes.count)") }
        self.bytes = bytes
    }

    public var description: String { "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}

/// What a chain contract needs to slash: who lost to whom, where, and the evidence.
///
/// Encoding (all static, identical to ABI `abi.encode(bytes32, address, address, uint64, uint64,
/// uint8, bytes32, bytes32)`): `jobID`, `winner`, `loser` (addresses left-padded to a word), `step`,
/// `op` (2^64 − 1 when not located), `reason`, `recomputed`, `verdictDigest`.
public struct SlashingRecord: Sendable, Hashable, WordCodable {
    /// The job's id.
    public var jobID: Digest
    /// Who is rewarded.
    public var winner: PartyAddress
    /// Who is slashed.
    public var loser: PartyAddress
    /// The disputed step, when located.
    public var step: Int?
    /// The disputed op, when located.
    public var op: Int?
    /// Why.
    public var reason: VerdictReason
    /// The referee's recomputed output digest (zero when it did not re-execute).
    public var recomputed: Digest
    /// ``Verdict/digest`` of the verdict this record enforces.
    public var verdictDigest: Digest

    /// The record for a verdict with one winner and one loser, or nil otherwise (nothing to
    /// transfer: no dispute, inconclusive, or both parties slashed without a winner).
    public init?(verdict: Verdict, addresses: [Disputant: PartyAddress]) {
        guard let winner = verdict.winner, verdict.losers == [winner.other],
              let w = addresses[winner], let l = addresses[winner.other] else { return nil }
        jobID = verdict.jobID
        self.winner = w
        loser = l
        step = verdict.step
        op = verdict.op
        reason = verdict.reason
        recomputed = verdict.recomputed
        verdictDigest = verdict.digest
    }

    public func encode(to writer: inout WordWriter) {
        writer.write(jobID)
        for address in [winner, loser] {
            var word = [UInt8](repeating: 0, count: 12)
            word += address.bytes
            writer.write(try! Digest(bytes: word))
        }
        writer.write(step.map(UInt64.init) ?? Verdict.notLocated)
        writer.write(op.map(UInt64.init) ?? Verdict.notLocated)
        writer.write(reason.rawValue)
        writer.write(recomputed)
        writer.write(verdictDigest)
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        jobID = try reader.readDigest("job id")
        var addresses: [PartyAddress] = []
        for what in ["winner", "loser"] {
            let word = try reader.readDigest(what).bytes
            guard word.prefix(12).allSatisfy({ $0 == 0 }) else {
                throw VerdeError(.invalidWord, "\(what) address has non-zero padding")
            }
            addresses.append(try PartyAddress(bytes: Array(word.suffix(20))))
        }
        winner = addresses[0]
        loser = addresses[1]
        let s = try reader.readUInt64("step"), o = try reader.readUInt64("op")
        guard s == Verdict.notLocated || s <= UInt64(Int.max), o == Verdict.notLocated || o <= UInt64(Int.max) else {
            throw VerdeError(.invalidWord, "step or op out of range")
        }
        step = s == Verdict.notLocated ? nil : Int(s)
        op = o == Verdict.notLocated ? nil : Int(o)
        reason = try VerdictReason(rawValue: reader.readInt("reason", max: VerdictReason.allCases.count - 1))!
        recomputed = try reader.readDigest("recomputed")
        verdictDigest = try reader.readDigest("verdict digest")
    }
}
