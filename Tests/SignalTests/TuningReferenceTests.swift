import Foundation
import GensynPrimitives
import GensynTestSupport
import RepOps
import Signal
import Testing

/// A float64 numpy GPT (textbook formulas, independent of RepOps) computing the DPO and
/// reward-weighted losses, and their gradients by central finite differences in float64.
let numpyTuningOracle = """
    import sys, json, math, numpy as np
    d = json.loads(sys.stdin.read())
    cfg = d["config"]; W, H, L = cfg["width"], cfg["heads"], cfg["layers"]
    erf = np.vectorize(math.erf)
    def tensors(j): return {k: np.array(v["data"], dtype=np.float64).reshape(v["shape"]) for k, v in j.items()}
    def ln(x, P, n):
        m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-5) * P[n + ".weight"] + P[n + ".bias"]
    def lin(x, P, n, bias=True): return x @ P[n + ".weight"] + (P[n + ".bias"] if bias else 0)
    def logits(P, seq):
        T = len(seq); x = P["wte.weight"][seq] + P["wpe.weight"][:T]
        dh = W // H
        for l in range(L):
            b = "h%d" % l; h = ln(x, P, b + ".ln1")
            q, k, v = lin(h, P, b + ".attn.q"), lin(h, P, b + ".attn.k"), lin(h, P, b + ".attn.v")
            o = np.zeros((T, W))
            for hh in range(H):
                c = slice(hh * dh, (hh + 1) * dh)
                s = q[:, c] @ k[:, c].T / math.sqrt(dh)
                s = s + np.triu(np.full((T, T), -np.inf), 1)
                a = np.exp(s - s.max(-1, keepdims=True)); a = a / a.sum(-1, keepdims=True)
                o[:, c] = a @ v[:, c]
            x = x + lin(o, P, b + ".attn.out")
            f = lin(ln(x, P, b + ".ln2"), P, b + ".mlp.fc")
            x = x + lin(0.5 * f * (1 + erf(f / math.sqrt(2))), P, b + ".mlp.proj")
        return lin(ln(x, P, "ln_f"), P, "lm_head", bias=False)
    def token_lp(P, prompt, comp):
        full = prompt + comp; z = logits(P, full[:-1])
        m = z.max(-1, keepdims=True); lsm = z - m - np.log(np.exp(z - m).sum(-1, keepdims=True))
        return np.array([lsm[t, full[t + 1]] for t in range(len(prompt) - 1, len(full) - 1)])
    def dpo(P, R, beta):
        h = []
        for p in d["pairs"]:
            pc, pr = token_lp(P, p["prompt"], p["chosen"]).sum(), token_lp(P, p["prompt"], p["rejected"]).sum()
            rc, rr = token_lp(R, p["prompt"], p["chosen"]).sum(), token_lp(R, p["prompt"], p["rejected"]).sum()
            h.append((pc - rc) - (pr - rr))
        h = np.array(h)
        nll = np.mean([-token_lp(P, p["prompt"], p["chosen"]).mean() for p in d["pairs"]])
        return np.logaddexp(0, -beta * h).mean() + d["alpha"] * nll, h
    def bc(P):
        w = np.array([max(e["weight"], d["minimumWeight"]) for e in d["examples"]])
        lls = np.array([token_lp(P, e["prompt"], e["completion"]).mean() for e in d["examples"]])
        return -(w * lls).sum() / np.abs(w).sum(), lls
    P = tensors(d["policy"])
    if d["mode"] == "dpo":
        R = tensors(d["reference"])
        f = lambda: dpo(P, R, d["beta"])[0]
        extra = list(dpo(P, R, d["beta"])[1])
    else:
        f = lambda: bc(P)[0]
        extra = list(bc(P)[1])
    loss = f(); grads = {}; eps = 1e-6
    for k in sorted(P):
        g = np.zeros(P[k].size); flat = P[k].reshape(-1)
        for i in range(flat.size):
            x0 = flat[i]; flat[i] = x0 + eps; up = f(); flat[i] = x0 - eps; dn = f(); flat[i] = x0
            g[i] = (up - dn) / (2 * eps)
        grads[k] = list(g)
    print(json.dumps({"loss": loss, "extra": extra, "grads": grads}))
    """

func tensorJSON(_ p: ParameterSet) -> [String: Any] {
    Dictionary(uniqueKeysWithValues: p.names.map { ($0, ["shape": p[$0]!.shape, "data": p[$0]!.scalars.map(Double.init)] as [String: Any]) })
}

/// Runs the oracle; returns (loss, extra per-item values, gradients by name).
func runTuningOracle(_ input: [String: Any]) throws -> (Double, [Double], [String: [Double]]) {
    let out = try PythonOracle.run(numpyTuningOracle, input: String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self))
    let j = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    return (j["loss"] as! Double, j["extra"] as! [Double], j["grads"] as! [String: [Double]])
}

/// `|ours − ref| ≤ tol · max|ref|` over all elements of all tensors.
func expectGradientsClose(_ ours: ParameterSet, _ reference: [String: [Double]], relative tol: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    let scale = reference.values.flatMap { $0 }.map(abs).max() ?? 0
    #expect(scale > 1e-4, "the reference gradient should not vanish", sourceLocation: sourceLocation)
    var worst = 0.0, worstName = ""
    for name in ours.names {
        let ref = reference[name] ?? []
        #expect(ref.count == ours[name]!.count, "\(name)", sourceLocation: sourceLocation)
        for (a, b) in zip(ours[name]!.scalars, ref) where abs(Double(a) - b) > worst { worst = abs(Double(a) - b); worstName = name }
    }
    #expect(worst <= tol * scale, "worst gradient difference \(worst) in \(worstName); scale \(scale)", sourceLocation: sourceLocation)
}

@Suite("Tuning objectives vs a float64 reference")
struct TuningReferenceTests {
    static let config = GPTConfig(vocabulary: 7, context: 6, width: 8, heads: 2, layers: 1, hidden: 12)

    /// Parameters with every tensor (norms and biases too) perturbed away from their initial values.
    static func parameters(seed: UInt64) throws -> ParameterSet {
        var p = try GPT(config).initialParameters(seed: seed)
        for (i, name) in p.names.enumerated() {
            let noise = try Tensor.randomNormal(shape: p[name]!.shape, seed: seed &* 31 &+ UInt64(i), std: 0.3)
            p[name] = try p[name]!.adding(noise)
        }
        return p
    }

    static let pairs = [
        TokenizedPreference(prompt: [1, 2], chosen: [3, 4], rejected: [5]),
        TokenizedPreference(prompt: [6], chosen: [2, 2, 1], rejected: [0, 3, 3, 4]),
        TokenizedPreference(prompt: [0, 5, 4], chosen: [1], rejected: [6, 6]),
    ]

    @Test(.enabled(if: PythonOracle.isAvailable), arguments: [(Float(0.1), Float(0)), (2, 0), (0.5, 0.7)])
    func dpoLossAndGradientMatchNumpy(beta: Float, alpha: Float) throws {
        let model = try GPT(Self.config)
        let reference = try Self.parameters(seed: 1), policy = try Self.parameters(seed: 2)
        let refLP = try DPOObjective.referenceLogProbabilities(model, parameters: reference, pairs: Self.pairs)
        let eval = try DPOObjective(beta: beta, chosenLikelihoodWeight: alpha).evaluate(model, parameters: policy, reference: refLP, pairs: Self.pairs)
        let (loss, margins, grads) = try runTuningOracle([
            "mode": "dpo", "beta": Double(beta), "alpha": Double(alpha), "config": ["width": 8, "heads": 2, "layers": 1],
            "policy": tensorJSON(policy), "reference": tensorJSON(reference),
            "pairs": Self.pairs.map { ["prompt": $0.prompt, "chosen": $0.chosen, "rejected": $0.rejected] },
        ])
        #expect(margins.contains { abs($0) > 0.05 }, "the case should have non-trivial margins")
        for (a, b) in zip(eval.margins, margins) { #expect(abs(Double(a) - b) <= 1e-4 * max(1, abs(b))) }
        #expect(abs(Double(eval.loss) - loss) <= 1e-5 * max(1, loss), "loss \(eval.loss) vs \(loss)")
        expectGradientsClose(try #require(eval.gradients), grads, relative: 2e-3)
    }

    @Test(.enabled(if: PythonOracle.isAvailable))
    func rewardWeightedLossAndGradientMatchNumpy() throws {
        let model = try GPT(Self.config)
        let policy = try Self.parameters(seed: 3)
        let examples = [
            TokenizedExample(prompt: [1, 2], completion: [3, 4], weight: 1),
            TokenizedExample(prompt: [6], completion: [2, 2, 1], weight: -0.25),
            TokenizedExample(prompt: [0, 5, 4], completion: [1], weight: 0.75),
            TokenizedExample(prompt: [3], completion: [0, 1, 2, 3], weight: -3),  // clipped to −1
        ]
        let eval = try RewardWeightedObjective(minimumWeight: -1).evaluate(model, parameters: policy, examples: examples)
        let (loss, lls, grads) = try runTuningOracle([
            "mode": "bc", "minimumWeight": -1.0, "config": ["width": 8, "heads": 2, "layers": 1], "policy": tensorJSON(policy),
            "examples": examples.map { ["prompt": $0.prompt, "completion": $0.completion, "weight": Double($0.weight)] },
        ])
        for (a, b) in zip(eval.meanLogLikelihood, lls) { #expect(abs(Double(a) - b) <= 1e-5 * max(1, abs(b))) }
        #expect(abs(Double(eval.loss) - loss) <= 1e-5 * max(1, abs(loss)), "loss \(eval.loss) vs \(loss)")
        expectGradientsClose(try #require(eval.gradients), grads, relative: 2e-3)
    }

    @Test func dpoAtTheReferenceIsLog2WithZeroMargins() throws {
        let model = try GPT(Self.config)
        let p = try Self.parameters(seed: 4)
        let refLP = try DPOObjective.referenceLogProbabilities(model, parameters: p, pairs: Self.pairs)
        let eval = try DPOObjective(beta: 0.5).evaluate(model, parameters: p, reference: refLP, pairs: Self.pairs)
        // Batched (policy) and per-pair (reference) log-probabilities agree bitwise.
        #expect(eval.margins == [0, 0, 0])
        #expect(abs(eval.loss - Float(log(2.0))) < 1e-6)
    }
}
