import CGensynRepOps
import RepOps
import Testing

/// Results do not depend on `RepOps.threads` or `RepOps.isa`, and the canonical workload's
/// digests equal the committed golden values. Serialized: these tests change the global
/// settings (other suites may run meanwhile; their results must not care, which is the claim).
@Suite("Determinism", .serialized)
struct DeterminismTests {
    static func configurations() -> [(RepOps.ISA, Int)] {
        RepOps.supportedISAs.flatMap { isa in [1, 2, 3, 4, 7].map { (isa, $0) } }
    }

    static func withSettings<T>(_ isa: RepOps.ISA, _ threads: Int, _ body: () throws -> T) throws -> T {
        let savedISA = RepOps.isa, savedThreads = RepOps.threads
        defer {
            try? RepOps.select(savedISA)
            RepOps.threads = savedThreads
        }
        try RepOps.select(isa)
        RepOps.threads = threads
        return try body()
    }

    @Test("row ops, reductions, attention and elementwise ops: identical bits on every ISA and thread count", arguments: 0..<3)
    func rowOpsEverywhere(seed: Int) throws {
        var r = TestRandom(seed: 41 + UInt64(seed))
        // Seed 0: 100 × 411 = 41 100 elements, large enough for the row ops to use threads;
        // the others: random shapes that are not multiples of the 16 lanes.
        let (rows, n) = seed == 0 ? (100, 411) : (r.int(1...40), r.int(1...200))
        let x = r.tensor([rows, n], scale: 5)
        let gamma = r.tensor([n]), beta = r.tensor([n])
        let targets = (0..<rows).map { ($0 * 37) % n }
        let heads = rows % 4 == 0 ? 4 : 1
        func compute() throws -> [Tensor] {
            let qkv = try x.reshaped([heads, rows / heads, n])
            return [
                try x.softmax(), try x.logSoftmax(), try x.layerNorm(gamma: gamma, beta: beta), try x.rmsNorm(weight: gamma),
                try x.crossEntropyLosses(targets: targets), Tensor(scalar: x.sum()), x.gelu(), x.geluTanh(), x.silu(),
                try Tensor.causalAttention(query: qkv, key: qkv, value: qkv),
            ]
        }
        let reference = try Self.withSettings(.portable, 1, compute)
        for (isa, threads) in Self.configurations() {
            let got = try Self.withSettings(isa, threads, compute)
            for (i, (a, b)) in zip(got, reference).enumerated() {
                #expect(a == b, "op \(i) differs on \(isa.rawValue) × \(threads) threads, shape [\(rows), \(n)]")
            }
        }
    }

    @Test("canonical sum and sumsq: portable and AVX2 agree bit for bit", arguments: [0, 1, 15, 16, 17, 33, 1000, 4099])
    func reductionPaths(n: Int) throws {
        try #require(gensyn_cpu_has_avx2_fma() == 1, "no AVX2+FMA here")
        var r = TestRandom(seed: UInt64(n))
        for _ in 0..<10 {
            let x = r.floats(n, scale: 1000), c = r.float()
            #expect(gensyn_sum_f32_portable(x, n).bitPattern == gensyn_sum_f32_avx2(x, n).bitPattern)
            #expect(gensyn_sumsq_f32_portable(x, n, c).bitPattern == gensyn_sumsq_f32_avx2(x, n, c).bitPattern)
        }
        // The documented order, literally.
        let x = r.floats(n)
        var lane = [Float](repeating: 0, count: 16)
        for i in 0..<n { lane[i % 16] = lane[i % 16] + x[i] }
        var h = 8
        while h >= 1 { for j in 0..<h { lane[j] = lane[j] + lane[j + h] }; h /= 2 }
        #expect(gensyn_sum_f32_portable(x, n).bitPattern == lane[0].bitPattern)
    }

    @Test("canonical workload (without its two large GEMMs): same digests everywhere, equal to the golden values")
    func goldenDigests() throws {
        let reference = try Self.withSettings(.portable, 1) { try CanonicalWorkload.run(includeLarge: false) }
        for (isa, threads) in [(RepOps.bestISA, 1), (RepOps.bestISA, 3), (RepOps.ISA.portable, 2)] {
            let got = try Self.withSettings(isa, threads) { try CanonicalWorkload.run(includeLarge: false) }
            #expect(got == reference, "\(isa.rawValue) × \(threads) threads")
        }
        let golden = GoldenDigests.ops
        #expect(reference.count + CanonicalWorkload.largeOps.count == golden.count, "workload ops changed: regenerate GoldenDigests.swift")
        for entry in reference {
            #expect(golden[entry.name] == entry.digestHex, "\(entry.name): bits changed (see Docs/RepOps.md before regenerating)")
        }
    }

    @Test(
        "full canonical workload (with the 1000³ GEMM) on AVX2: every golden digest and the combined digest",
        .enabled(if: RepOps.bestISA == .avx2, "the portable path is too slow for a 1000³ GEMM in a debug build"))
    func fullWorkloadGolden() throws {
        let entries = try Self.withSettings(RepOps.bestISA, 2) { try CanonicalWorkload.run(includeLarge: true) }
        #expect(entries.count == GoldenDigests.ops.count)
        for entry in entries { #expect(GoldenDigests.ops[entry.name] == entry.digestHex, "\(entry.name)") }
        #expect(CanonicalWorkload.combinedDigestHex(entries) == GoldenDigests.combined)
    }

    @Test("ISA selection and thread settings round-trip; an unsupported path is a typed error")
    func settings() throws {
        try Self.withSettings(.portable, 5) {
            // (No check of RepOps.isa here: KernelDispatchTests may select paths concurrently.)
            #expect(RepOps.threads == 5)
            RepOps.threads = 1000
            #expect(RepOps.threads == 64)
            RepOps.threads = 0
            #expect(RepOps.threads == 1)
        }
        if !RepOps.supportedISAs.contains(.avx2) {
            expectError(.unsupportedISA) { try RepOps.select(.avx2) }
        }
    }
}
