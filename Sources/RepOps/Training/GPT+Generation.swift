/// How the next token is chosen from logits (Docs/RepOps.md, "Generation").
public enum Sampling: Sendable, Equatable {
    /// The argmax (first index of the maximum).
    case greedy
    /// Temperature sampling, optionally restricted to the `topK` most likely tokens and then to
    /// the smallest prefix whose probability reaches `topP`.
    case sample(temperature: Float, topK: Int? = nil, topP: Float? = nil)
}

/// Per-layer key/value rows of the tokens seen so far (one `[t, width]` list per layer).
public struct KVCache: Sendable {
    /// Keys and values per layer, row-major `[t, width]`.
    var keys: [[Float]], values: [[Float]]
    /// Tokens cached.
    public internal(set) var count = 0

    init(layers: Int) {
        keys = Array(repeating: [], count: layers)
        values = Array(repeating: [], count: layers)
    }
}

extension GPT {
    /// An empty cache for this model.
    public func makeCache() -> KVCache { KVCache(layers: config.layers) }

    /// Logits `[vocabulary]` for `token` at the next position, appending its keys and values to
    /// `cache`. Per head the scores are `q·Kᵀ` (canonical GEMM, one row), scaled, softmaxed over
    /// the cached positions, times V.
    public func step(_ parameters: ParameterSet, token: Int, cache: inout KVCache) throws(RepOpsError) -> Tensor {
        guard cache.count < config.context else {
            throw RepOpsError(.invalidArgument, "the context of \(config.context) positions is full")
        }
        func p(_ name: String) throws(RepOpsError) -> Tensor {
            guard let t = parameters[name] else { throw RepOpsError(.invalidArgument, "missing parameter \(name)") }
            return t
        }
        func linear(_ l: Linear, _ x: Tensor) throws(RepOpsError) -> Tensor {
            try x.matmul(p("\(l.name).weight"), bias: l.hasBias ? p("\(l.name).bias") : nil)
        }
        func norm(_ l: LayerNorm, _ x: Tensor) throws(RepOpsError) -> Tensor {
            try x.layerNorm(eps: l.eps, gamma: p("\(l.name).weight"), beta: p("\(l.name).bias"))
        }
        let d = config.width, heads = config.heads, dh = d / heads, t = cache.count + 1
        var x = try p("wte.weight").embedding([token]).adding(p("wpe.weight").embedding([cache.count]))
        for (l, block) in blocks.enumerated() {
            let h = try norm(block.ln1, x)
            let q = try linear(block.attention.q, h)
            cache.keys[l] += try linear(block.attention.k, h).scalars
            cache.values[l] += try linear(block.attention.v, h).scalars
            let keys = try Tensor(shape: [t, d], scalars: cache.keys[l]), vals = try Tensor(shape: [t, d], scalars: cache.values[l])
            var heads_: [Tensor] = []
            for hh in 0..<heads {
                let cols = (hh * dh)..<((hh + 1) * dh)
                let s = try q.slice(axis: 1, cols).matmul(keys.slice(axis: 1, cols), transposeOther: true)
                    .scaled(by: 1 / Float(dh).squareRoot()).softmax()
                heads_.append(try s.matmul(vals.slice(axis: 1, cols)))
            }
            x = try x.adding(linear(block.attention.out, Tensor.concatenate(heads_, axis: 1)))
            let m = try linear(block.mlp.proj, linear(block.mlp.fc, norm(block.ln2, x)).gelu())
            x = try x.adding(m)
        }
        cache.count += 1
        return try linear(head, norm(lnF, x)).reshaped([config.vocabulary])
    }

    /// Generates up to `maxNewTokens` tokens after `prompt` (stops when the context is full).
    /// Sampling draws use `seed` and the absolute position of the token being chosen as the
    /// Philox counter, so the same call gives the same tokens everywhere.
    public func generate(
        _ parameters: ParameterSet, prompt: [Int], maxNewTokens: Int, sampling: Sampling = .greedy, seed: UInt64 = 0
    ) throws(RepOpsError) -> [Int] {
        guard !prompt.isEmpty, prompt.count <= config.context else {
            throw RepOpsError(.invalidArgument, "the prompt needs 1...\(config.context) tokens; got \(prompt.count)")
        }
        var cache = makeCache()
        var logits = try Tensor.zeros([config.vocabulary])
        for token in prompt { logits = try step(parameters, token: token, cache: &cache) }
        var out: [Int] = []
        while out.count < maxNewTokens {
            let next = try GPT.choose(logits, sampling, seed: seed, counter: UInt64(prompt.count + out.count))
            out.append(next)
            if cache.count == config.context || out.count == maxNewTokens { break }
            logits = try step(parameters, token: next, cache: &cache)
        }
        return out
    }

    /// One choice: greedy = `argmax`; sampling: `p = softmax(logits · (1/temperature))`, candidates in
    /// ``Tensor/topK(_:)`` order (first `topK`), then ``Tensor/topP(_:)`` over their probabilities,
    /// then ``Tensor/sampleIndex(seed:counter:)`` over the kept probabilities.
    public static func choose(_ logits: Tensor, _ sampling: Sampling, seed: UInt64, counter: UInt64) throws(RepOpsError) -> Int {
        switch sampling {
        case .greedy:
            return try logits.argmax()[0]
        case let .sample(temperature, topK, topP):
            guard temperature > 0, temperature.isFinite else { throw RepOpsError(.invalidArgument, "temperature \(temperature) must be positive") }
            let probs = try logits.scaled(by: 1 / temperature).softmax()
            var candidates = try probs.topK(min(topK ?? probs.count, probs.count))
            guard !candidates.isEmpty else { throw RepOpsError(.invalidArgument, "topK must be ≥ 1") }
            let kept = Tensor(candidates.map { probs.scalars[$0] })
            if let topP { candidates = try kept.topP(topP).map { candidates[$0] } }
            return candidates[try Tensor(candidates.map { probs.scalars[$0] }).sampleIndex(seed: seed, counter: counter)]
        }
    }
}
