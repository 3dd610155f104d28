import CGensynKeccak
import GensynPrimitives
import GensynTestSupport
import Testing

@Suite("Keccak-256")
struct Keccak256Tests {
    struct KAT: Sendable, CustomTestStringConvertible {
        let bits: Int, message: [UInt8], digest: String
        var testDescription: String { "Len=\(bits)" }
    }

    /// Parses the Keccak team's KAT format (Len in bits, Msg, MD); whole-byte lengths only.
    static func kats(_ file: String) throws -> [KAT] {
        var out: [KAT] = []
        var len: Int?, msg: String?
        for line in try TestVectors.text("chain/keccak/\(file)").split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "Len": len = Int(parts[1])
            case "Msg": msg = parts[1]
            case "MD":
                if let l = len, let m = msg, l % 8 == 0 {
                    let bytes = l == 0 ? [] : try Hex.decode(m)
                    out.append(KAT(bits: l, message: bytes, digest: parts[1].lowercased()))
                }
                len = nil; msg = nil
            default: continue
            }
        }
        return out
    }

    @Test("short and long message KATs", arguments: ["ShortMsgKAT_256.txt", "LongMsgKAT_256.txt"])
    func kat(file: String) throws {
        let cases = try Self.kats(file)
        #expect(cases.count > 30)
        for c in cases {
            #expect(Hex.encode(Keccak256.hash(c.message)) == c.digest, "Len=\(c.bits)")
            var portable = [UInt8](repeating: 0, count: 32)  // the portable path too, whatever this CPU dispatches to
            #expect(gensyn_keccak256_path(c.message, c.message.count, &portable, 0) == 0)
            #expect(Hex.encode(portable) == c.digest, "portable, Len=\(c.bits)")
        }
    }

    @Test("streaming in uneven pieces equals one-shot", arguments: [1, 3, 64, 135, 136, 137, 500])
    func streaming(chunk: Int) throws {
        let message = (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = Keccak256()
        var i = 0
        while i < message.count {
            let end = min(message.count, i + chunk)
            hasher.update(message[i..<end])
            i = end
        }
        #expect(hasher.finalize() == Keccak256.hash(message))
        // finalize does not consume: more input continues the same stream.
        hasher.update([1, 2, 3])
        #expect(hasher.finalize() == Keccak256.hash(message + [1, 2, 3]))
    }

    @Test("well-known digests")
    func known() {
        #expect(Hex.encode(Keccak256.hash([UInt8]())) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(Hex.encode(Keccak256.hash(Array("transfer(address,uint256)".utf8)).prefix(4)) == "a9059cbb")
    }

    @Test("portable and BMI2 permutations agree on random states")
    func permutationPathsAgree() throws {
        var probe = [UInt64](repeating: 0, count: 25)
        try #require(gensyn_keccak_f1600_path(&probe, 1) == 0, "no BMI1/BMI2 path on this CPU")
        var rng = SeededRandom(seed: 1600)
        for _ in 0..<500 {
            let state = (0..<25).map { _ in rng.next() }
            var portable = state, bmi = state
            #expect(gensyn_keccak_f1600_path(&portable, 0) == 0)
            #expect(gensyn_keccak_f1600_path(&bmi, 1) == 0)
            #expect(portable == bmi)
            #expect(portable != state)
        }
    }

    /// Every implementation path hashes the same bits for every length around the block boundaries
    /// (0…3 blocks + 1, so padding lands in every lane), at odd alignments, and for long inputs.
    @Test("portable and BMI2 sponges agree on random inputs of many lengths")
    func spongePathsAgree() throws {
        var probe = [UInt8](repeating: 0, count: 32)
        try #require(gensyn_keccak256_path([], 0, &probe, 1) == 0, "no BMI1/BMI2 path on this CPU")
        var rng = SeededRandom(seed: 136)
        let data = (0..<(1 << 16) + 64).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let lengths = Array(0...(3 * 136 + 1)) + [1000, 4096, 10_000, 1 << 16]
        for length in lengths {
            let offset = Int.random(in: 0..<64, using: &rng)
            var portable = [UInt8](repeating: 0, count: 32), bmi = portable
            data.withUnsafeBufferPointer { p in
                let start = p.baseAddress! + offset
                #expect(gensyn_keccak256_path(start, length, &portable, 0) == 0)
                #expect(gensyn_keccak256_path(start, length, &bmi, 1) == 0)
            }
            #expect(portable == bmi, "length \(length)")
            #expect(bmi == Keccak256.hash(data[offset..<offset + length]), "length \(length)")
        }
        #expect(gensyn_keccak256_path([], 0, &probe, 7) == -1)
    }
}
