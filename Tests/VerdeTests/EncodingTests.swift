import Foundation
import GensynTestSupport
import Testing
@testable import Verde

/// Python helpers writing Verde's word encoding from its documented rules (Docs/Verde.md).
let pythonWords = """
import json, sys
from eth_hash.auto import keccak
def word(x): return x.to_bytes(32, 'big')
def bstr(b): return word(len(b)) + b + b'\\x00' * ((32 - len(b) % 32) % 32)
def op_input(i): return word(0) + word(i['op']) if 'op' in i else word(1) + bstr(i['tensor'].encode())
def record(r):
    e = word(r['index']) + bstr(r['kind'].encode()) + bstr(bytes.fromhex(r['attributes']))
    e += word(len(r['inputs'])) + b''.join(op_input(i) for i in r['inputs'])
    e += word(len(r['shape'])) + b''.join(word(d) for d in r['shape']) + bytes.fromhex(r['output'])
    return e
def split(n):
    k = 1
    while k * 2 < n: k *= 2
    return k
def mth(d):
    if len(d) == 0: return keccak(b'')
    if len(d) == 1: return keccak(b'\\x00' + d[0])
    k = split(len(d))
    return keccak(b'\\x01' + mth(d[:k]) + mth(d[k:]))

"""

func sampleRecord(_ i: Int) -> OpRecord {
    OpRecord(index: i, kind: ["matmul", "add", "softmax_cross_entropy", ""][i % 4],
             attributes: (0..<(i * 13 % 70)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) },
             inputs: (0..<(i % 3)).map { $0 % 2 == 0 ? .op($0 + i) : .checkpoint("layers.\(i).weight") },
             outputShape: Array([4, 64, 3 + i].prefix(i % 4)),
             outputDigest: Digest.keccak([UInt8(i)]))
}

@Suite("Canonical encodings")
struct EncodingTests {
    @Test("op records and their trace root match an independent Python encoder")
    func opRecordsMatchPython() throws {
        let records = (0..<9).map(sampleRecord)
        let json = records.map { r -> [String: Any] in
            ["index": r.index, "kind": r.kind, "attributes": r.attributes.map { String(format: "%02x", $0) }.joined(),
             "inputs": r.inputs.map { input -> [String: Any] in
                 switch input { case .op(let j): ["op": j]; case .checkpoint(let n): ["tensor": n] } },
             "shape": r.outputShape, "output": r.outputDigest.bytes.map { String(format: "%02x", $0) }.joined()]
        }
        let input = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        let output = try PythonOracle.run(pythonWords + """
        rs = json.loads(sys.stdin.read())
        encs = [record(r) for r in rs]
        print(json.dumps({'encodings': [e.hex() for e in encs], 'root': mth(encs).hex()}))
        """, input: input)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let encodings = try #require(answer["encodings"] as? [String])
        for (record, hex) in zip(records, encodings) {
            #expect(record.encoded == (try hexBytes(hex)), "record \(record.index)")
            #expect(try OpRecord(encoded: record.encoded) == record)
        }
        let root = MerkleTree(leafHashes: records.map(\.leafHash)).root
        #expect(root == (try Digest(hex: try #require(answer["root"] as? String))))
    }

    @Test("a checkpoint commitment sorts by name bytes and matches Python")
    func checkpointMatchesPython() throws {
        let tensors = ["layers.10.w", "layers.2.w", "Bias", "émbed", "a"].enumerated().map {
            NamedTensor(name: $1, digest: Digest.keccak([UInt8($0)]))
        }
        let checkpoint = try CheckpointCommitment(tensors: tensors)
        #expect(try CheckpointCommitment(tensors: tensors.reversed()).root == checkpoint.root)
        #expect(checkpoint.tensors.map(\.name) == ["Bias", "a", "layers.10.w", "layers.2.w", "émbed"])
        let input = tensors.map { "\($0.name)\t\($0.digest.bytes.map { String(format: "%02x", $0) }.joined())" }
            .joined(separator: "\n")
        let output = try PythonOracle.run(pythonWords + """
        ts = [l.split('\\t') for l in sys.stdin.read().split('\\n')]
        ts.sort(key=lambda t: t[0].encode())
        print(mth([bstr(n.encode()) + bytes.fromhex(d) for n, d in ts]).hex())
        """, input: input)
        #expect(checkpoint.root == (try Digest(hex: output.trimmingCharacters(in: .whitespacesAndNewlines))))
        for t in tensors {
            let opening = try checkpoint.opening(named: t.name)
            #expect(opening.verify(against: checkpoint.root))
            var forged = opening
            forged.tensor.digest = .zero
            #expect(!forged.verify(against: checkpoint.root))
        }
        #expect(throws: VerdeError.self) { try CheckpointCommitment(tensors: tensors + [tensors[0]]) }
        #expect(throws: VerdeError.self) { try CheckpointCommitment(tensors: [NamedTensor(name: "", digest: .zero)]) }
        #expect(throws: VerdeError.self) { try checkpoint.opening(named: "missing") }
    }

    static func verdicts() -> [Verdict] {
        let job = Digest.keccak(Array("job".utf8))
        return [
            Verdict(jobID: job, winner: .a, losers: [.b], reason: .wrongOutput, step: 17, op: 3,
                    recomputed: .keccak([1]), recordA: .keccak([2]), recordB: .keccak([3])),
            Verdict(jobID: job, winner: nil, losers: [.a, .b], reason: .timeout, step: nil, op: nil),
            Verdict(jobID: job, winner: nil, losers: [], reason: .noDispute, step: nil, op: nil),
        ]
    }

    @Test("verdicts and slashing records are ABI static tuples (eth_abi)")
    func verdictMatchesEthAbi() throws {
        let address = { (b: UInt8) in try PartyAddress(bytes: [UInt8](repeating: b, count: 19) + [0x42]) }
        var lines: [String] = []
        for v in Self.verdicts() {
            let hex = { (d: Digest) in d.bytes.map { String(format: "%02x", $0) }.joined() }
            let losers = v.losers.reduce(0) { $0 | $1.rawValue }
            lines.append("v \(hex(v.jobID)) \(v.winner?.rawValue ?? 0) \(losers) \(v.reason.rawValue) "
                + "\(v.step.map { UInt64($0) } ?? UInt64.max) \(v.op.map { UInt64($0) } ?? UInt64.max) "
                + "\(hex(v.recomputed)) \(hex(v.recordA)) \(hex(v.recordB)) \(v.encoded.map { String(format: "%02x", $0) }.joined())")
            #expect(try Verdict(encoded: v.encoded) == v)
            if let record = SlashingRecord(verdict: v, addresses: [.a: try address(0xAA), .b: try address(0xBB)]) {
                #expect(try SlashingRecord(encoded: record.encoded) == record)
                lines.append("s \(hex(record.jobID)) \(record.winner.bytes.map { String(format: "%02x", $0) }.joined()) "
                    + "\(record.loser.bytes.map { String(format: "%02x", $0) }.joined()) \(record.step!) \(record.op!) "
                    + "\(record.reason.rawValue) \(hex(record.recomputed)) \(hex(record.verdictDigest)) "
                    + record.encoded.map { String(format: "%02x", $0) }.joined())
            }
        }
        #expect(lines.count == 4)
        let output = try PythonOracle.run("""
        import sys
        from eth_abi import encode
        for line in sys.stdin.read().split('\\n'):
            f = line.split(' ')
            b = bytes.fromhex
            if f[0] == 'v':
                e = encode(['bytes32','uint8','uint8','uint8','uint64','uint64','bytes32','bytes32','bytes32'],
                           [b(f[1]), int(f[2]), int(f[3]), int(f[4]), int(f[5]), int(f[6]), b(f[7]), b(f[8]), b(f[9])])
                print('ok' if e.hex() == f[10] else 'MISMATCH ' + e.hex())
            else:
                e = encode(['bytes32','address','address','uint64','uint64','uint8','bytes32','bytes32'],
                           [b(f[1]), b(f[2]), b(f[3]), int(f[4]), int(f[5]), int(f[6]), b(f[7]), b(f[8])])
                print('ok' if e.hex() == f[9] else 'MISMATCH ' + e.hex())
        """, input: lines.joined(separator: "\n"))
        #expect(output.split(separator: "\n") == ["ok", "ok", "ok", "ok"])
    }

    static func messages() throws -> [[UInt8]] {
        let model = SyntheticModel(parameterCount: 2)
        let job = try model.job(steps: 5, seed: 3)
        let trainer = try SyntheticTrainer(job: job)
        var responder = DisputeResponder(source: trainer)
        let questions: [RefereeMessage] = [
            .openNode(round: 1, tree: .job, step: 0, range: 0..<5), .openStep(round: 2, step: 3),
            .openNode(round: 3, tree: .trace, step: 3, range: 0..<model.opCount), .openOp(round: 4, step: 3, op: 4),
        ]
        var out = questions.map(\.encoded)
        for q in questions {
            let maybe = responder.respond(to: q)
            let answer = try #require(maybe)
            #expect(try PartyMessage(encoded: answer.encoded) == answer)
            #expect(try RefereeMessage(encoded: q.encoded) == q)
            out.append(answer.encoded)
        }
        out.append(job.encoded)
        #expect(try JobSpec(encoded: job.encoded) == job)
        return out
    }

    @Test("strict decoding: every truncation, trailing byte and dirty padding is an error, never a crash")
    func strictDecoding() throws {
        typealias Decoder = @Sendable ([UInt8]) -> Bool
        let party: Decoder = { (try? PartyMessage(encoded: $0)) != nil }
        let referee: Decoder = { (try? RefereeMessage(encoded: $0)) != nil }
        let verdict: Decoder = { (try? Verdict(encoded: $0)) != nil }
        let recordDecoder: Decoder = { (try? OpRecord(encoded: $0)) != nil }
        let job: Decoder = { (try? JobSpec(encoded: $0)) != nil }
        let messages = try Self.messages()
        var cases: [([UInt8], Decoder)] = []
        cases += messages.prefix(4).map { ($0, referee) }
        cases += messages.dropFirst(4).prefix(4).map { ($0, party) }
        cases.append((messages[8], job))
        cases += Self.verdicts().map { ($0.encoded, verdict) }
        cases += (0..<6).map { (sampleRecord($0).encoded, recordDecoder) }
        for (bytes, decodes) in cases {
            #expect(decodes(bytes))
            for cut in 0..<bytes.count { #expect(!decodes(Array(bytes.prefix(cut))), "prefix \(cut) of \(bytes.count)") }
            #expect(!decodes(bytes + [0]))
            #expect(!decodes(bytes + [UInt8](repeating: 0, count: 32)))
        }
        let decoders = [party, referee, verdict, recordDecoder, job]
        // Dirty padding in a byte string, an unknown tag, an integer above 2^64.
        var record = sampleRecord(5).encoded
        #expect(sampleRecord(5).attributes.count % 32 != 0)
        let kindLength = sampleRecord(5).kind.utf8.count
        record[64 + kindLength] = 1  // first padding byte after the kind
        #expect(throws: VerdeError.self) { try OpRecord(encoded: record) }
        var question = RefereeMessage.openStep(round: 1, step: 2).encoded
        question[31] = 9
        #expect(throws: VerdeError.self) { try RefereeMessage(encoded: question) }
        question = RefereeMessage.openStep(round: 1, step: 2).encoded
        question[32 + 3] = 1
        #expect(throws: VerdeError.self) { try RefereeMessage(encoded: question) }
        // A verdict whose winner is not paired with exactly the other party as loser.
        let jobID = Digest.keccak([9])
        for losers in [Set<Disputant>(), [.a], [.a, .b]] {
            let odd = Verdict(jobID: jobID, winner: .a, losers: losers, reason: .wrongOutput, step: 1, op: 1)
            #expect(throws: VerdeError.self) { try Verdict(encoded: odd.encoded) }
        }
        // Random bytes: errors only.
        var rng = SeededRandom(seed: 11)
        for _ in 0..<2000 {
            let count = Int(rng.next() % 200)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next() % 4 == 0 ? rng.next() : 0) }
            if count > 31 { bytes[31] = UInt8(rng.next() % 3) }
            for decode in decoders { _ = decode(bytes) }
        }
    }
}

func hexBytes(_ hex: String) throws -> [UInt8] {
    var out: [UInt8] = []
    var i = hex.startIndex
    while i < hex.endIndex {
        let j = hex.index(i, offsetBy: 2)
        out.append(try #require(UInt8(hex[i..<j], radix: 16)))
        i = j
    }
    return out
}
