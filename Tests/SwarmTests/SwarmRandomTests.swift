import Foundation
import GensynTestSupport
import Swarm
import Testing

@Suite("SwarmRandom")
struct SwarmRandomTests {
    @Test("SplitMix64 known answers for seed 0")
    func knownAnswers() {
        // Published SplitMix64 outputs for seed 0 (Vigna's reference splitmix64.c).
        var rng = SwarmRandom(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("matches an independent Python SplitMix64, streams included")
    func pythonOracle() throws {
        let script = """
            import sys, json
            M = (1 << 64) - 1
            def mix(z):
                z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
                z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
                return z ^ (z >> 31)
            out = []
            for seed, streams in json.loads(sys.stdin.read()):
                s = seed
                for label in streams:
                    s = mix((s + mix((label + 0x632BE59BD9B4E019) & M)) & M)
                vals = []
                for _ in range(5):
                    s = (s + 0x9E3779B97F4A7C15) & M
                    vals.append(str(mix(s)))
                out.append(vals)
            print(json.dumps(out))
            """
        let cases: [(UInt64, [UInt64])] = [(0, []), (1, [7]), (42, [3, 1, 4]), (.max, [.max, 0]), (123_456_789, [2, 0xC0DE])]
        let input = "[" + cases.map { "[\($0.0), [\($0.1.map(String.init).joined(separator: ","))]]" }.joined(separator: ",") + "]"
        let output = try PythonOracle.run(script, input: input)
        let expected = try JSONDecoder().decode([[String]].self, from: Data(output.utf8))
        for (i, (seed, streams)) in cases.enumerated() {
            var rng = SwarmRandom(seed: seed, streams: streams)
            let got = (0..<5).map { _ in String(rng.next()) }
            #expect(got == expected[i], "seed \(seed) streams \(streams)")
        }
    }

    @Test("bounded draws stay in range and cover it")
    func bounded() {
        var rng = SwarmRandom(seed: 9)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let v = rng.int(in: -3...3)
            #expect((-3...3).contains(v))
            seen.insert(v)
            let u = rng.nextUnitFloat()
            #expect(u >= 0 && u < 1)
        }
        #expect(seen.count == 7)
        #expect(rng.below(0) == 0 && rng.below(-5) == 0 && rng.below(1) == 0)
    }

    @Test("shuffle and sampling are permutations, deterministic per seed")
    func shuffleAndSample() {
        var a = SwarmRandom(seed: 5), b = SwarmRandom(seed: 5)
        var x = Array(0..<50), y = Array(0..<50)
        a.shuffle(&x)
        b.shuffle(&y)
        #expect(x == y && x.sorted() == Array(0..<50) && x != Array(0..<50))
        let s = a.sampleIndices(10, from: 20)
        #expect(Set(s).count == 10 && s.allSatisfy { (0..<20).contains($0) })
        #expect(a.sampleIndices(30, from: 20).count == 20)
        #expect(a.sampleIndices(3, from: 0).isEmpty)
    }
}
