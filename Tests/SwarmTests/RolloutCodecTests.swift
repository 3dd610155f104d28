import Foundation
import Swarm
import Testing

@Suite("Rollout publication format")
struct RolloutCodecTests {
    static func publication(round: UInt64 = 7, node: String = "127.0.0.1:5000", rewards: Float = 0.5) -> RolloutPublication {
        let groups = [TaskFamily.sorting, .propositionalLogic, .baseConversion].enumerated().map { i, family in
            let task = SwarmTask(try! TaskSpec(family: family, difficulty: 2, seed: UInt64(i)))
            let completions = [Verifier.format(answer: task.answer), "no idea", "\u{e9}t\u{e9} \u{1F600} <answer>0</answer>"]
            return RolloutGroup(spec: task.spec, question: task.question, completions: completions, rewards: [rewards, rewards, rewards])
        }
        return RolloutPublication(round: round, nodeID: node, groups: groups)
    }

    static func code(_ body: () throws -> Void) -> RolloutError.Code? {
        do { try body(); return nil } catch let error as RolloutError { return error.code } catch { return nil }
    }

    @Test("round trip")
    func roundTrip() throws {
        let p = Self.publication()
        #expect(try RolloutCodec.decode(RolloutCodec.encode(p), expectedRound: 7) == p)
        let empty = RolloutPublication(round: 0, nodeID: "n", groups: [])
        #expect(try RolloutCodec.decode(RolloutCodec.encode(empty)) == empty)
    }

    @Test("the JSON view round-trips and validates specs")
    func json() throws {
        let p = Self.publication()
        #expect(try JSONDecoder().decode(RolloutPublication.self, from: JSONEncoder().encode(p)) == p)
        let bad = Data(#"{"family":"sorting","difficulty":0,"seed":1}"#.utf8)
        #expect(throws: TaskError.self) { try JSONDecoder().decode(TaskSpec.self, from: bad) }
    }

    @Test("every truncation is rejected")
    func truncations() {
        let bytes = RolloutCodec.encode(Self.publication())
        for n in 0..<bytes.count {
            let c = Self.code { _ = try RolloutCodec.decode(Array(bytes.prefix(n))) }
            #expect(c == .truncated || (n < 4 && c == .badMagic) || c == .invalidUTF8, "prefix \(n): \(String(describing: c))")
        }
    }

    @Test("typed rejections")
    func rejections() {
        let good = RolloutCodec.encode(Self.publication())
        var limits = RolloutLimits()
        limits.maxPayloadBytes = good.count - 1
        #expect(Self.code { _ = try RolloutCodec.decode(good, limits: limits) } == .oversized)
        #expect(Self.code { _ = try RolloutCodec.decode(good, expectedRound: 8) } == .wrongRound)
        #expect(Self.code { _ = try RolloutCodec.decode(good + [0]) } == .trailingBytes)
        var magic = good; magic[0] = UInt8(ascii: "X")
        #expect(Self.code { _ = try RolloutCodec.decode(magic) } == .badMagic)
        var version = good; version[4] = 2
        #expect(Self.code { _ = try RolloutCodec.decode(version) } == .unsupportedVersion)
        // Field offsets: magic 4, version 1, round 8, id length 2 + 14 bytes, group count 2 → family at 31.
        var family = good; family[31] = 99
        #expect(Self.code { _ = try RolloutCodec.decode(family) } == .invalidField)
        var difficulty = good; difficulty[32] = 9
        #expect(Self.code { _ = try RolloutCodec.decode(difficulty) } == .invalidField)
        var groups = good; groups[29] = 0xff; groups[30] = 0xff
        #expect(Self.code { _ = try RolloutCodec.decode(groups) } == .limitExceeded)
        limits = RolloutLimits(); limits.maxTextBytes = 10
        #expect(Self.code { _ = try RolloutCodec.decode(good, limits: limits) } == .limitExceeded)
        let emptyID = RolloutCodec.encode(RolloutPublication(round: 1, nodeID: "", groups: []))
        #expect(Self.code { _ = try RolloutCodec.decode(emptyID) } == .invalidField)
        let nan = RolloutCodec.encode(Self.publication(rewards: .infinity))
        #expect(Self.code { _ = try RolloutCodec.decode(nan) } == .invalidField)
    }

    @Test("invalid UTF-8 in any text field is rejected")
    func invalidUTF8() {
        let good = RolloutCodec.encode(Self.publication())
        // Replace the é (C3 A9) of every completion, one at a time, by a lone continuation byte.
        var hits = 0
        for i in good.indices.dropLast() where good[i] == 0xC3 && good[i + 1] == 0xA9 {
            var bad = good
            bad[i] = 0xA9
            #expect(Self.code { _ = try RolloutCodec.decode(bad) } == .invalidUTF8)
            hits += 1
        }
        #expect(hits == 6)
        var id = good; id[15] = 0xFF  // inside the node id
        #expect(Self.code { _ = try RolloutCodec.decode(id) } == .invalidUTF8)
    }

    @Test("random corruption never traps", arguments: [1, 2] as [UInt64])
    func fuzz(seed: UInt64) {
        var rng = SwarmRandom(seed: seed)
        let good = RolloutCodec.encode(Self.publication())
        for _ in 0..<2000 {
            var bytes = good
            for _ in 0..<(1 + rng.below(4)) { bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.bool() { bytes = Array(bytes.prefix(rng.below(bytes.count + 1))) }
            _ = try? RolloutCodec.decode(bytes)
        }
        for _ in 0..<500 {
            let junk = (0..<rng.below(200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(throws: RolloutError.self) { try RolloutCodec.decode(junk) }
        }
    }

    @Test("re-scoring ignores the sender's rewards and checks the question")
    func rescore() throws {
        let lying = Self.publication(rewards: 1.0)
        let scored = try RolloutCodec.rescore(lying, verifier: Verifier())
        #expect(scored.count == 3)
        for g in scored {
            #expect(g.rewards == (g.task.answer == "0" ? [1.1, 0, 1.1] : [1.1, 0, 0.1]))
            #expect(g.origin == "127.0.0.1:5000")
        }
        let g = lying.groups[0]
        let forged = RolloutPublication(round: 7, nodeID: "x", groups: [RolloutGroup(spec: g.spec, question: "What is 1+1?", completions: g.completions, rewards: g.rewards)])
        #expect(Self.code { _ = try RolloutCodec.rescore(forged, verifier: Verifier()) } == .questionMismatch)
    }
}
