import GensynPrimitives

/// The canonical workload: a fixed program exercising every RepOps op on seeded inputs,
/// reduced to one Keccak-256 digest per op. Its digests are the same on every thread count,
/// instruction-set path and CPU; another implementation of `Docs/RepOps.md` can compare its
/// own digests against them (`gensyn-repops digest --json`).
public enum CanonicalWorkload {
    /// One op's result digest.
    public struct Entry: Sendable, Equatable {
        /// The op's stable name (e.g. `gemm_129x257x65`, `softmax`, `math_exp_special`).
        public var name: String
        /// Keccak-256 of the op result's canonical encoding.
        public var digest: [UInt8]
        /// ``digest`` as lowercase hex.
        public var digestHex: String { Hex.encode(digest) }
    }

    /// Names of the ops skipped by `run(includeLarge: false)` (each takes seconds unoptimised).
    public static let largeOps: Set<String> = ["gemm_1000x1000x1000", "gemm_512x1024x768_bias"]

    /// Special fp32 inputs for the elementwise math: ±0, subnormals, ±inf, NaN, huge, tiny and
    /// the edges of each function's range.
    public static let specialValues: [Float] = [
        0, -0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Float(bitPattern: 0x007F_FFFF), .leastNormalMagnitude,
        .infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-30, -1e-30, 1e-7, 1,
        -1, 0.5, -0.5, 2, 10, -10, 20, -20, 88.72, 88.73, -87.33, -103.9, -104, 1e10, -1e10, 3.4e38, 0.1, 0.7, 4, -4, 9, -9,
    ]

    /// Runs the workload; with `includeLarge: false` the ops in ``largeOps`` are skipped.
    /// `progress` receives each op's name as it finishes.
    public static func run(includeLarge: Bool = true, progress: (String) -> Void = { _ in }) throws(RepOpsError) -> [Entry] {
        var entries: [Entry] = []
        func record(_ name: String, _ t: Tensor) {
            entries.append(Entry(name: name, digest: t.digest))
            progress(name)
        }
        func indices(_ xs: [Int]) -> Tensor { Tensor(xs.map { Float($0) }) }

        // Random streams.
        let uniform = try Tensor.randomUniform(shape: [1000], seed: 1, low: -2, high: 3)
        record("rng_uniform", uniform)
        let normal = try Tensor.randomNormal(shape: [4099], seed: 2)
        record("rng_normal", normal)

        // GEMMs, named M×K×N.
        for (m, k, n) in [(1, 1, 1), (7, 13, 5), (129, 257, 65), (6, 256, 16), (100, 1, 37), (1000, 1000, 1000)] {
            let name = "gemm_\(m)x\(k)x\(n)"
            if !includeLarge && largeOps.contains(name) { continue }
            let a = try Tensor.randomNormal(shape: [m, k], seed: UInt64(10 + m))
            let b = try Tensor.randomNormal(shape: [k, n], seed: UInt64(20 + n))
            record(name, try a.matmul(b))
        }
        do {
            let a = try Tensor.randomNormal(shape: [45, 33], seed: 31), b = try Tensor.randomNormal(shape: [17, 45], seed: 32)
            record("gemm_tt_33x45x17", try a.matmul(b, transposeSelf: true, transposeOther: true))
            let c = try Tensor.randomNormal(shape: [33, 45], seed: 33)
            record("gemm_nt_33x45x17", try c.matmul(b, transposeOther: true))
            let d = try Tensor.randomNormal(shape: [45, 17], seed: 34)
            record("gemm_tn_33x45x17", try a.matmul(d, transposeSelf: true))
            let bias = try Tensor.randomNormal(shape: [17], seed: 35)
            record("gemm_bias_33x45x17", try c.matmul(d, bias: bias))
            let ba = try Tensor.randomNormal(shape: [3, 20, 30], seed: 36), bb = try Tensor.randomNormal(shape: [3, 30, 41], seed: 37)
            record("gemm_batched_3x20x30x41", try ba.matmul(bb))
        }
        if includeLarge {
            let a = try Tensor.randomNormal(shape: [512, 1024], seed: 38), b = try Tensor.randomNormal(shape: [768, 1024], seed: 39)
            let bias = try Tensor.randomNormal(shape: [768], seed: 40)
            record("gemm_512x1024x768_bias", try a.matmul(b, transposeOther: true, bias: bias))
        }

        // Elementwise with broadcasting.
        let x = try Tensor.randomNormal(shape: [37, 300], seed: 50, std: 3)
        let row = try Tensor.randomUniform(shape: [300], seed: 51, low: 0.5, high: 2)
        let col = try Tensor.randomNormal(shape: [37, 1], seed: 52)
        record("add_broadcast", try x.adding(row))
        record("sub_broadcast", try x.subtracting(col))
        record("mul_broadcast", try x.multiplying(row))
        record("div_broadcast", try x.dividing(row))
        record("scale", x.scaled(by: 0.1234567))
        record("relu", x.relu())
        record("gelu", x.gelu())
        record("gelu_tanh", x.geluTanh())
        record("silu", x.silu())
        record("tanh", x.tanh())
        record("sigmoid", x.sigmoid())

        // Row ops and reductions.
        record("softmax", try x.softmax())
        record("log_softmax", try x.logSoftmax())
        let gamma = try Tensor.randomUniform(shape: [300], seed: 53, low: 0.5, high: 1.5)
        let beta = try Tensor.randomNormal(shape: [300], seed: 54, std: 0.1)
        record("layernorm", try x.layerNorm(eps: 1e-5, gamma: gamma, beta: beta))
        record("rmsnorm", try x.rmsNorm(eps: 1e-6, weight: gamma))
        record("sum", Tensor(scalar: normal.sum()))

        // Shape ops.
        record("transpose", try x.transposed())
        let parts = try x.split(axis: 1, sizes: [100, 150, 50])
        record("concat", try Tensor.concatenate([parts[2], parts[0], parts[1]], axis: 1))

        // Model pieces.
        let table = try Tensor.randomNormal(shape: [50, 24], seed: 60)
        record("embedding", try table.embedding([0, 49, 7, 7, 13, 1]))
        let q = try Tensor.randomNormal(shape: [2, 3, 50, 16], seed: 61)
        let k = try Tensor.randomNormal(shape: [2, 3, 50, 16], seed: 62)
        let v = try Tensor.randomNormal(shape: [2, 3, 50, 16], seed: 63)
        record("attention", try Tensor.causalAttention(query: q, key: k, value: v))
        let logits = try Tensor.randomNormal(shape: [16, 1000], seed: 64, std: 2)
        let targets = (0..<16).map { ($0 * 389) % 1000 }
        record("cross_entropy_losses", try logits.crossEntropyLosses(targets: targets))
        record("cross_entropy_mean", Tensor(scalar: try logits.crossEntropy(targets: targets)))
        record("argmax", indices(try logits.argmax()))
        let probs = try logits.slice(axis: 0, 0..<1).reshaped([1000]).softmax()
        record("topk", indices(try probs.topK(20)))
        record("topp", indices(try probs.topP(0.9)))
        record("sample", indices(try (0..<64).map { (c: UInt64) throws(RepOpsError) -> Int in try probs.sampleIndex(seed: 65, counter: c) }))
        record("dropout", try x.dropout(rate: 0.1, seed: 66))

        // Elementwise math over special values.
        let special = Tensor(specialValues)
        record("math_exp_special", special.exp())
        record("math_log_special", special.log())
        record("math_tanh_special", special.tanh())
        record("math_sigmoid_special", special.sigmoid())
        record("math_erf_special", special.erf())
        record("math_gelu_special", special.gelu())
        record("math_gelu_tanh_special", special.geluTanh())
        record("math_silu_special", special.silu())
        record("math_relu_special", special.relu())
        return entries
    }

    /// Keccak-256 over `name ‖ 0x00 ‖ digest` for every entry, in order.
    public static func combinedDigest(_ entries: [Entry]) -> [UInt8] {
        var h = Keccak256()
        for e in entries {
            h.update(Array(e.name.utf8) + [0])
            h.update(e.digest)
        }
        return h.finalize()
    }

    /// ``combinedDigest(_:)`` as lowercase hex.
    public static func combinedDigestHex(_ entries: [Entry]) -> String { Hex.encode(combinedDigest(entries)) }
}
