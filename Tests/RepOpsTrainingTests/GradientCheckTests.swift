import Foundation
import RepOps
import Testing

/// One differentiable op: Float32 tape version and its Float64 reference.
struct GradCase: Sendable, CustomStringConvertible {
    let description: String
    let inputs: [Tensor]
    let f32: @Sendable (Tape, [Var]) throws -> Var
    let f64: @Sendable ([[Double]]) -> [Double]
}

func normal(_ shape: [Int], _ seed: UInt64, _ map: (Float) -> Float = { $0 }) -> Tensor {
    let t = try! Tensor.randomNormal(shape: shape, seed: seed)
    return try! Tensor(shape: shape, scalars: t.scalars.map(map))
}

/// Away from 0 (relu's kink, division poles): |x| ≥ 0.3, sign kept.
func awayFromZero(_ x: Float) -> Float { x < 0 ? x - 0.3 : x + 0.3 }

let gradCases: [GradCase] = {
    var c: [GradCase] = []
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
        let a = normal(ta ? [4, 3] : [3, 4], 1), b = normal(tb ? [5, 4] : [4, 5], 2)
        c.append(GradCase(description: "matmul ta=\(ta) tb=\(tb) + bias", inputs: [a, b, normal([5], 3)],
            f32: { t, v in try t.matmul(v[0], v[1], transposeA: ta, transposeB: tb, bias: v[2]) },
            f64: { R.matmul($0[0], $0[1], m: 3, k: 4, n: 5, ta: ta, tb: tb, bias: $0[2]) }))
    }
    c.append(GradCase(description: "batched matmul", inputs: [normal([2, 3, 4], 4), normal([2, 4, 2], 5)],
        f32: { t, v in try t.matmul(v[0], v[1]) },
        f64: { x in (0..<2).flatMap { i in R.matmul(Array(x[0][(i * 12)..<(i * 12 + 12)]), Array(x[1][(i * 8)..<(i * 8 + 8)]), m: 3, k: 4, n: 2, ta: false, tb: false) } }))
    c.append(GradCase(description: "batched × shared matmul (Bᵀ)", inputs: [normal([2, 3, 4], 6), normal([2, 4], 7)],
        f32: { t, v in try t.matmul(v[0], v[1], transposeB: true) },
        f64: { x in R.matmul(x[0], x[1], m: 6, k: 4, n: 2, ta: false, tb: true) }))
    let binary: [(String, @Sendable (Tape, Var, Var) throws -> Var, @Sendable (Double, Double) -> Double)] = [
        ("add", { try $0.add($1, $2) }, { $0 + $1 }), ("sub", { try $0.sub($1, $2) }, { $0 - $1 }),
        ("mul", { try $0.mul($1, $2) }, { $0 * $1 }), ("div", { try $0.div($1, $2) }, { $0 / $1 }),
    ]
    for (name, f, g) in binary {
        c.append(GradCase(description: "\(name) broadcast [2,3,4]∘[3,1]", inputs: [normal([2, 3, 4], 8), normal([3, 1], 9, awayFromZero)],
            f32: { t, v in try f(t, v[0], v[1]) }, f64: { R.broadcast($0[0], [2, 3, 4], $0[1], [3, 1], g) }))
        c.append(GradCase(description: "\(name) broadcast [4]∘[2,4]", inputs: [normal([4], 10), normal([2, 4], 11, awayFromZero)],
            f32: { t, v in try f(t, v[0], v[1]) }, f64: { R.broadcast($0[0], [4], $0[1], [2, 4], g) }))
    }
    c.append(GradCase(description: "scale", inputs: [normal([3, 2], 12)], f32: { t, v in try t.scale(v[0], -1.5) }, f64: { $0[0].map { $0 * -1.5 } }))
    let unary: [(String, @Sendable (Tape, Var) throws -> Var, @Sendable (Double) -> Double)] = [
        ("relu", { try $0.relu($1) }, { max($0, 0) }), ("gelu", { try $0.gelu($1) }, R.gelu),
        ("silu", { try $0.silu($1) }, { $0 * R.sigmoid($0) }), ("tanh", { try $0.tanh($1) }, { Foundation.tanh($0) }),
        ("sigmoid", { try $0.sigmoid($1) }, R.sigmoid),
    ]
    for (name, f, g) in unary {
        c.append(GradCase(description: name, inputs: [normal([2, 5], 13, awayFromZero)], f32: { t, v in try f(t, v[0]) }, f64: { $0[0].map(g) }))
    }
    c.append(GradCase(description: "softmax", inputs: [normal([3, 5], 14)], f32: { t, v in try t.softmax(v[0]) }, f64: { R.rows($0[0], 5, R.softmax) }))
    c.append(GradCase(description: "logSoftmax", inputs: [normal([3, 5], 15)], f32: { t, v in try t.logSoftmax(v[0]) }, f64: { R.rows($0[0], 5, R.logSoftmax) }))
    c.append(GradCase(description: "layerNorm γ β", inputs: [normal([3, 6], 16), normal([6], 17), normal([6], 18)],
        f32: { t, v in try t.layerNorm(v[0], gamma: v[1], beta: v[2]) }, f64: { x in R.rows(x[0], 6) { R.layerNorm($0, x[1], x[2], eps: 1e-5) } }))
    c.append(GradCase(description: "layerNorm plain", inputs: [normal([2, 5], 19)],
        f32: { t, v in try t.layerNorm(v[0]) }, f64: { x in R.rows(x[0], 5) { R.layerNorm($0, nil, nil, eps: 1e-5) } }))
    c.append(GradCase(description: "rmsNorm weight", inputs: [normal([3, 6], 20), normal([6], 21)],
        f32: { t, v in try t.rmsNorm(v[0], weight: v[1]) }, f64: { x in R.rows(x[0], 6) { R.rmsNorm($0, x[1], eps: 1e-6) } }))
    c.append(GradCase(description: "rmsNorm plain", inputs: [normal([2, 5], 22)],
        f32: { t, v in try t.rmsNorm(v[0]) }, f64: { x in R.rows(x[0], 5) { R.rmsNorm($0, nil, eps: 1e-6) } }))
    let idx = [1, 3, 1, 0, 4, 1]
    c.append(GradCase(description: "embedding (repeated rows)", inputs: [normal([5, 3], 23)],
        f32: { t, v in try t.embedding(v[0], idx) }, f64: { x in idx.flatMap { Array(x[0][($0 * 3)..<($0 * 3 + 3)]) } }))
    c.append(GradCase(description: "causal attention", inputs: [normal([2, 4, 3], 24), normal([2, 4, 3], 25), normal([2, 4, 3], 26)],
        f32: { t, v in try t.causalAttention(query: v[0], key: v[1], value: v[2]) },
        f64: { R.attention($0[0], $0[1], $0[2], heads: 2, t: 4, d: 3) }))
    // [B=2, T=4, H·d = 2·3]: heads split from columns, attended, merged back.
    let toHeads: @Sendable ([Double]) -> [Double] = { x in
        (0..<48).map { i in let (b, h, t, c) = (i / 24, i / 12 % 2, i / 3 % 4, i % 3); return x[b * 24 + t * 6 + h * 3 + c] }
    }
    let fromHeads: @Sendable ([Double]) -> [Double] = { x in
        (0..<48).map { i in let (b, t, h, c) = (i / 24, i / 6 % 4, i / 3 % 2, i % 3); return x[b * 24 + h * 12 + t * 3 + c] }
    }
    c.append(GradCase(description: "multi-head causal attention", inputs: [normal([2, 4, 6], 34), normal([2, 4, 6], 35), normal([2, 4, 6], 36)],
        f32: { t, v in try t.multiHeadCausalAttention(query: v[0], key: v[1], value: v[2], heads: 2) },
        f64: { fromHeads(R.attention(toHeads($0[0]), toHeads($0[1]), toHeads($0[2]), heads: 4, t: 4, d: 3)) }))
    let targets = [2, 0, 4, 4]
    c.append(GradCase(description: "cross-entropy", inputs: [normal([4, 5], 27)],
        f32: { t, v in try t.crossEntropy(v[0], targets: targets) }, f64: { R.crossEntropy($0[0], n: 5, targets: targets) }))
    c.append(GradCase(description: "reshape + transpose", inputs: [normal([2, 6], 28)],
        f32: { t, v in try t.transpose(t.reshape(v[0], [2, 3, 2]), [2, 0, 1]) },
        f64: { x in (0..<12).map { i in let (a, r) = (i / 6, i % 6); let (b, cc) = (r / 3, r % 3); return x[0][b * 6 + cc * 2 + a] } }))
    c.append(GradCase(description: "fan-out x·x + x", inputs: [normal([2, 3], 29)],
        f32: { t, v in try t.add(t.mul(v[0], v[0]), v[0]) }, f64: { $0[0].map { $0 * $0 + $0 } }))
    return c
}()

@Suite("Autograd gradient checks")
struct GradientCheckTests {
    /// Analytic Float32 gradients of L = Σ w·op(x) (w fixed, seeded) against central finite
    /// differences of the Float64 reference (h = 1e-6). Tolerance: |a − n| ≤ 1e-3 + 1e-2·|n|.
    @Test(arguments: gradCases)
    func gradientMatchesFiniteDifferences(_ c: GradCase) throws {
        let tape = Tape()
        let vars = c.inputs.map { tape.variable($0) }
        let y = try c.f32(tape, vars)
        let w = normal(tape.value(y).shape, 99)
        let loss = try tape.sum(tape.mul(y, tape.constant(w)))
        let grads = try tape.gradients(of: loss)

        let w64 = w.scalars.map(Double.init)
        let x64 = c.inputs.map { $0.scalars.map(Double.init) }
        func lossAt(_ x: [[Double]]) -> Double { zip(c.f64(x), w64).map { $0 * $1 }.reduce(0, +) }
        #expect(abs(lossAt(x64) - Double(tape.value(loss).scalars[0])) < 1e-3 * max(1, abs(lossAt(x64))))
        for (i, v) in vars.enumerated() {
            let g = try #require(grads[v], "no gradient for input \(i)")
            #expect(g.shape == c.inputs[i].shape)
            for j in 0..<x64[i].count {
                var plus = x64, minus = x64
                let h = 1e-6
                plus[i][j] += h
                minus[i][j] -= h
                let numeric = (lossAt(plus) - lossAt(minus)) / (2 * h)
                let analytic = Double(g.scalars[j])
                #expect(abs(analytic - numeric) <= 1e-3 + 1e-2 * abs(numeric), "input \(i)[\(j)]: analytic \(analytic), numeric \(numeric)")
            }
        }
    }

    /// The fused multi-head op gives bitwise the values and gradients of the reshape/transpose
    /// chain it replaces (so training results did not change when GPT switched to it), and
    /// refuses mismatched shapes.
    @Test func multiHeadAttentionEqualsTheSplitMergeChain() throws {
        let (b, t, heads, d) = (3, 7, 4, 5)
        func run(fused: Bool) throws -> [Tensor] {
            let tape = Tape()
            let qkv = (0..<3).map { tape.variable(normal([b, t, heads * d], 40 + UInt64($0))) }
            let y: Var
            if fused {
                y = try tape.multiHeadCausalAttention(query: qkv[0], key: qkv[1], value: qkv[2], heads: heads)
            } else {
                func split(_ x: Var) throws -> Var { try tape.transpose(tape.reshape(x, [b, t, heads, d]), [0, 2, 1, 3]) }
                let o = try tape.causalAttention(query: split(qkv[0]), key: split(qkv[1]), value: split(qkv[2]))
                y = try tape.reshape(tape.transpose(o, [0, 2, 1, 3]), [b, t, heads * d])
            }
            let g = try tape.gradients(of: tape.sum(tape.mul(y, tape.constant(normal([b, t, heads * d], 43)))))
            return [tape.value(y)] + qkv.map { g[$0]! }
        }
        let fused = try run(fused: true), chain = try run(fused: false)
        #expect(fused.map(\.shape) == chain.map(\.shape))
        #expect(fused.map(\.digest) == chain.map(\.digest))
        let tape = Tape()
        let x = tape.variable(normal([2, 3, 6], 1))
        #expect(throws: RepOpsError.self) { try tape.multiHeadCausalAttention(query: x, key: x, value: x, heads: 4) }
        #expect(throws: RepOpsError.self) { try tape.multiHeadCausalAttention(query: x, key: x, value: x, heads: 0) }
    }

    @Test func gradientsAreBitwiseIdenticalAcrossThreadsAndISA() throws {
        func run() throws -> [Tensor] {
            try gradCases.flatMap { c -> [Tensor] in
                let tape = Tape()
                let vars = c.inputs.map { tape.variable($0) }
                let loss = try tape.sum(tape.mul(c.f32(tape, vars), tape.constant(normal(tape.value(c.f32(tape, vars)).shape, 99))))
                let g = try tape.gradients(of: loss)
                return vars.compactMap { g[$0] }
            }
        }
        let saved = (RepOps.threads, RepOps.isa)
        defer { RepOps.threads = saved.0; try? RepOps.select(saved.1) }
        RepOps.threads = 1
        try RepOps.select(.portable)
        let base = try run()
        for isa in RepOps.supportedISAs {
            try RepOps.select(isa)
            RepOps.threads = 2
            #expect(try run() == base, "isa \(isa)")
        }
    }

    @Test func fanOutSumsContributionsInConsumerOrder() throws {
        // x feeds op 1 (scale 3) and op 2 (scale 5): gradient is 3 + 5 = 8 per element.
        let tape = Tape()
        let x = tape.variable(Tensor([1, 2]))
        let loss = try tape.sum(tape.add(tape.scale(x, 3), tape.scale(x, 5)))
        #expect(try tape.gradients(of: loss)[x] == Tensor([8, 8]))
    }

    @Test func badInputsThrowTypedErrors() throws {
        let tape = Tape()
        let x = tape.variable(Tensor([1, 2]))
        #expect(throws: RepOpsError.self) { try tape.gradients(of: x) }
        let other = Tape()
        _ = other.variable(Tensor([1])); _ = other.variable(Tensor([1])); let foreign = other.variable(Tensor([1]))
        #expect(throws: RepOpsError.self) { try tape.add(x, foreign) }
        #expect(throws: RepOpsError.self) { try tape.parameter("missing") }
    }
}

@Suite("GPT gradient check")
struct GPTGradientCheckTests {
    /// The composed model (head split/merge, residual fan-out, broadcast position embeddings,
    /// tied-free head): analytic gradients of the GPT loss vs Float32 central differences
    /// (h = 1e-2) on a few elements of every parameter kind. Tolerance 2e-3 + 5% (float32 loss).
    @Test func gptLossGradientMatchesFiniteDifferences() throws {
        let config = GPTConfig(vocabulary: 11, context: 6, width: 8, heads: 2, layers: 2, hidden: 12)
        let model = try GPT(config)
        var params = try model.initialParameters(seed: 21)
        // Larger weights than the 0.02 init so every gradient is well above float32 noise.
        for name in params.names where params[name]!.rank == 2 { params[name] = params[name]!.scaled(by: 20) }
        let x = [[1, 4, 2, 9, 0, 3], [5, 5, 7, 1, 10, 2]], y = [[4, 2, 9, 0, 3, 8], [5, 7, 1, 10, 2, 6]]
        func loss(_ p: ParameterSet) throws -> (Float, ParameterSet) {
            let tape = Tape()
            p.register(on: tape)
            let l = try model.loss(tape, inputs: x, targets: y)
            return (tape.value(l).scalars[0], try tape.gradients(of: l).matching(p))
        }
        let (_, grads) = try loss(params)
        var checked = 0
        for name in params.names {
            let n = params[name]!.count
            for j in Set([0, n / 2, n - 1]) {
                var plus = params, minus = params
                var a = plus[name]!.scalars, b = minus[name]!.scalars
                a[j] += 1e-2
                b[j] -= 1e-2
                plus[name] = try Tensor(shape: params[name]!.shape, scalars: a)
                minus[name] = try Tensor(shape: params[name]!.shape, scalars: b)
                let numeric = (try loss(plus).0 - loss(minus).0) / 2e-2
                let analytic = grads[name]!.scalars[j]
                #expect(abs(analytic - numeric) <= 2e-3 + 0.05 * abs(numeric), "\(name)[\(j)]: analytic \(analytic), numeric \(numeric)")
                checked += 1
            }
        }
        #expect(checked > 60)
    }
}
