import Foundation
import GensynTestSupport
import Swarm
import Testing

@Suite("SAPO objective")
struct SAPOObjectiveTests {
    /// float64 reference of the advantages.
    static func referenceAdvantages(_ r: [Float], sample: Bool) -> [Double] {
        let x = r.map(Double.init)
        guard x.count >= 2 else { return x.map { _ in 0 } }
        let mean = x.reduce(0, +) / Double(x.count)
        let v = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(sample ? x.count - 1 : x.count)
        return x.map { ($0 - mean) / (v.squareRoot() + 1e-8) }
    }

    /// float64 reference of the surrogate and its gradient.
    static func referenceSurrogate(_ rho: [Float], _ a: [Float], _ mask: [Bool]) -> (Double, [Double]) {
        var total = 0.0, n = 0.0
        var selected = [Bool](repeating: false, count: rho.count)
        for i in rho.indices where mask[i] {
            let r = Double(rho[i]), adv = Double(a[i])
            let u = r * adv, c = min(max(r, 1 - Double(Float(0.2))), 1 + Double(Float(0.28))) * adv
            if u <= c { total += u; selected[i] = true } else { total += c }
            n += 1
        }
        guard n > 0 else { return (0, rho.map { _ in 0 }) }
        return (-total / n, rho.indices.map { selected[$0] ? -Double(a[$0]) / n : 0 })
    }

    static func randomCase(_ rng: inout SwarmRandom) -> ([Float], [Float], [Bool]) {
        let n = 1 + rng.below(24)
        let rho = (0..<n).map { _ in 0.5 + rng.nextUnitFloat() }       // 0.5...1.5 crosses both clip edges
        let a = (0..<n).map { _ in rng.nextUnitFloat() * 4 - 2 }
        let mask = (0..<n).map { _ in rng.below(5) != 0 }
        return (rho, a, mask)
    }

    @Test("advantages match float64 (sample and population std)")
    func advantagesVsFloat64() {
        var rng = SwarmRandom(seed: 11)
        for _ in 0..<500 {
            let g = 2 + rng.below(7)
            let rewards = (0..<g).map { _ in rng.below(3) == 0 ? Float(rng.below(2)) + 0.1 : rng.nextUnitFloat() }
            for sample in [true, false] {
                let got = SAPOObjective.groupAdvantages(rewards, deviation: sample ? .sample : .population)
                let want = Self.referenceAdvantages(rewards, sample: sample)
                for (x, y) in zip(got, want) { #expect(abs(Double(x) - y) <= 1e-5 * max(1, abs(y)), "\(rewards)") }
            }
        }
    }

    @Test("advantages match numpy (ddof=1, torch's default std)")
    func advantagesVsNumpy() throws {
        let groups: [[Float]] = [[1, 0, 0, 1.1], [0.1, 0.1, 1.1, 0, 1], [0.25, 0.5, 0.75], [1, 1, 1, 0]]
        let script = """
            import sys, json, numpy as np
            for g in json.loads(sys.stdin.read()):
                r = np.array(g, dtype=np.float64)
                print(json.dumps(list((r - r.mean()) / (r.std(ddof=1) + 1e-8))))
            """
        let input = "[" + groups.map { "[" + $0.map { "\(Double($0))" }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        let lines = try PythonOracle.run(script, input: input).split(separator: "\n")
        for (g, line) in zip(groups, lines) {
            let want = try JSONDecoder().decode([Double].self, from: Data(line.utf8))
            for (x, y) in zip(SAPOObjective.groupAdvantages(g), want) { #expect(abs(Double(x) - y) < 1e-5) }
        }
    }

    @Test("degenerate groups get zero advantages and are flagged for dropping")
    func degenerate() {
        #expect(SAPOObjective.groupAdvantages([1, 1, 1, 1]) == [0, 0, 0, 0])
        #expect(SAPOObjective.groupAdvantages([0.7]) == [0])
        #expect(SAPOObjective.groupAdvantages([]) == [])
        #expect(SAPOObjective.groupAdvantages([1, .nan]) == [0, 0])
        #expect(SAPOObjective.isZeroAdvantage(SAPOObjective.groupAdvantages([0.1, 0.1])))
        #expect(!SAPOObjective.isZeroAdvantage(SAPOObjective.groupAdvantages([0, 1])))
    }

    /// Regression: the Float mean of eight 0.1 rewards is 0.10000001, which used to give every
    /// completion of an all-wrong, well-formatted group of G = 8 the advantage −0.41 (and kept
    /// the group in the batch).
    @Test("equal rewards give exactly zero advantages for every group size and value", arguments: [0.1, 1.1, 0.3, 0.7, 2.2, 1e-3] as [Float])
    func equalRewardsAreZero(reward: Float) {
        var rng = SwarmRandom(seed: UInt64(reward.bitPattern))
        for n in 2...64 {
            let group = [Float](repeating: reward, count: n)
            #expect(SAPOObjective.groupAdvantages(group) == [Float](repeating: 0, count: n), "reward \(reward), G = \(n)")
            #expect(SAPOObjective.groupAdvantages(group, deviation: .population).allSatisfy { $0 == 0 })
            // A random value too.
            let x = Float(rng.nextUnitFloat()) * 4
            #expect(SAPOObjective.isZeroAdvantage(SAPOObjective.groupAdvantages([Float](repeating: x, count: n))), "reward \(x), G = \(n)")
        }
        // The scored group of eight identical well-formatted wrong answers is dropped before sampling.
        let task = SwarmTask(try! TaskSpec(family: .basicArithmetic, difficulty: 1, seed: 3))
        let wrong = Verifier.format(answer: task.answer + "1")
        let g = ScoredGroup(task: task, completions: [String](repeating: wrong, count: 8), origin: "me", verifier: Verifier())
        #expect(g.rewards.allSatisfy { $0 == 0.1 } && g.isZeroAdvantage)
        var r = SwarmRandom(seed: 1)
        #expect(RolloutSampler.sample(local: [g], external: [], localCount: 8, externalCount: 0, rng: &r).all.isEmpty)
    }

    @Test("surrogate loss and gradient match float64; gradient matches finite differences")
    func surrogateVsFloat64() throws {
        var rng = SwarmRandom(seed: 12)
        for _ in 0..<500 {
            let (rho, a, mask) = Self.randomCase(&rng)
            let s = try SAPOObjective.surrogate(ratios: rho, advantages: a, mask: mask)
            let (loss, grad) = Self.referenceSurrogate(rho, a, mask)
            #expect(abs(Double(s.loss) - loss) <= 1e-5 * max(1, abs(loss)))
            for (x, y) in zip(s.gradient, grad) { #expect(abs(Double(x) - y) <= 1e-6 * max(1, abs(y))) }
            // Finite differences of the float64 loss away from the clip edges.
            for i in rho.indices where mask[i] && abs(rho[i] - 0.8) > 1e-3 && abs(rho[i] - 1.28) > 1e-3 {
                var up = rho, down = rho
                up[i] += 1e-4
                down[i] -= 1e-4
                let fd = (Self.referenceSurrogate(up, a, mask).0 - Self.referenceSurrogate(down, a, mask).0) / Double(up[i] - down[i])
                #expect(abs(fd - grad[i]) < 1e-3, "token \(i): fd \(fd) vs \(grad[i])")
            }
        }
    }

    @Test("asymmetric clipping by hand")
    func clippingByHand() throws {
        // ρ=1.5, A=1: min(1.5, 1.28) → clipped, no gradient. ρ=0.5, A=−1: min(−0.5, −0.8) → clipped.
        // ρ=0.5, A=1: min(0.5, 0.8) → unclipped, gradient −A/N. ρ=1.2, A=1: inside the range.
        let s = try SAPOObjective.surrogate(ratios: [1.5, 0.5, 0.5, 1.2], advantages: [1, -1, 1, 1], mask: [true, true, true, true])
        let expected: Float = -((1.28 as Float) + (-0.8 as Float) + 0.5 + 1.2) / 4
        #expect(abs(s.loss - expected) < 1e-6)
        #expect(s.gradient == [0, 0, -0.25, -0.25])
        #expect(s.clippedTokens == 2 && s.tokens == 4)
        let masked = try SAPOObjective.surrogate(ratios: [1, 2], advantages: [1, 1], mask: [false, false])
        #expect(masked.loss == 0 && masked.tokens == 0)
        #expect(throws: SAPOObjective.ShapeError.self) { try SAPOObjective.surrogate(ratios: [1], advantages: [], mask: [true]) }
    }

    @Test("bitwise reproducible")
    func reproducible() throws {
        var rng = SwarmRandom(seed: 13)
        let (rho, a, mask) = Self.randomCase(&rng)
        let x = try SAPOObjective.surrogate(ratios: rho, advantages: a, mask: mask)
        let y = try SAPOObjective.surrogate(ratios: rho, advantages: a, mask: mask)
        #expect(x.loss.bitPattern == y.loss.bitPattern && x.gradient.map(\.bitPattern) == y.gradient.map(\.bitPattern))
    }

    @Test("sampling: zero-advantage groups dropped, I local + J external, deterministic per seed")
    func sampling() {
        let v = Verifier()
        func group(_ seed: UInt64, correct: [Bool], origin: String) -> ScoredGroup {
            let task = SwarmTask(try! TaskSpec(family: .sorting, difficulty: 1, seed: seed))
            return ScoredGroup(task: task, completions: correct.map { $0 ? Verifier.format(answer: task.answer) : "no" }, origin: origin, verifier: v)
        }
        let local = (0..<6).map { group($0, correct: $0 % 3 == 0 ? [true, true] : [true, false], origin: "me") }
        let external = (0..<8).map { group(100 + $0, correct: $0 % 2 == 0 ? [false, false] : [false, true], origin: "peer") }
        var r1 = SwarmRandom(seed: 1), r2 = SwarmRandom(seed: 1), r3 = SwarmRandom(seed: 2)
        let b1 = RolloutSampler.sample(local: local, external: external, localCount: 3, externalCount: 3, rng: &r1)
        let b2 = RolloutSampler.sample(local: local, external: external, localCount: 3, externalCount: 3, rng: &r2)
        let b3 = RolloutSampler.sample(local: local, external: external, localCount: 3, externalCount: 3, rng: &r3)
        #expect(b1 == b2)
        #expect(b1.droppedZeroAdvantage == 2 + 4)
        #expect(b1.local.count == 3 && b1.external.count == 3)
        #expect(b1.all.allSatisfy { !$0.isZeroAdvantage })
        #expect(Set(b1.local.map(\.task.spec.seed)).count == 3)
        #expect(b1.local.map(\.task.spec.seed) != b3.local.map(\.task.spec.seed) || b1.external.map(\.task.spec.seed) != b3.external.map(\.task.spec.seed))
        var r4 = SwarmRandom(seed: 1)
        let short = RolloutSampler.sample(local: local, external: external, localCount: 10, externalCount: 10, rng: &r4)
        #expect(short.local.count == 4 && short.external.count == 4)
    }
}
