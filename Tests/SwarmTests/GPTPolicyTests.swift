import Foundation
import GensynTestSupport
import RepOps
import Swarm
import Testing

@Suite("GPT policy: tokenizer and compact prompts")
struct TaskTokenizerTests {
    @Test("round trip, answer tags as single tokens, strict alphabet")
    func roundTrip() throws {
        let t = TaskTokenizer()
        let tokens = try t.encode("<answer>3/4</answer>")
        #expect(tokens.count == 5 && tokens.first == TaskTokenizer.answerOpen && tokens.last == TaskTokenizer.answerClose)
        #expect(t.decode(tokens) == "<answer>3/4</answer>")
        #expect(t.decode([TaskTokenizer.bos] + tokens + [TaskTokenizer.eos, TaskTokenizer.pad, 999, -1]) == "<answer>3/4</answer>")
        var rng = SwarmRandom(seed: 3)
        let alphabet = TaskTokenizer.alphabet.map { Character(Unicode.Scalar($0)) }
        for _ in 0..<300 {
            let text = String((0..<rng.below(30)).map { _ in alphabet[rng.below(alphabet.count)] })
            let encoded = try t.encode(text)
            #expect(encoded.allSatisfy { (0..<t.vocabulary).contains($0) })
            #expect(t.decode(encoded) == text)
        }
        for bad in ["é", "a\tb", "<answer>\u{0}", "\u{1F600}"] {
            #expect(throws: PolicyError.self) { try t.encode(bad) }
        }
        #expect(try t.encode("<answe").count == 6)  // `<` is in the alphabet; only the full tag is one token
    }

    /// Each family's compact prompt carries everything needed to answer: an independent Python
    /// solver recomputes the answer from the compact prompt alone.
    @Test("compact prompts determine the answer (Python solver on the prompt)")
    func promptsDetermineAnswers() throws {
        let families: [TaskFamily] = [.basicArithmetic, .decimalArithmetic, .baseConversion, .fractionSimplification, .propositionalLogic, .sorting]
        var cases: [[String]] = []
        for family in families {
            for difficulty in 1...3 {
                for seed in 0..<15 as Range<UInt64> {
                    let task = SwarmTask(try TaskSpec(family: family, difficulty: difficulty, seed: seed * 7919 + 1))
                    let prompt = try #require(TaskPrompt.compact(task), "\(task.spec)")
                    #expect(try TaskTokenizer().encode(prompt).count == prompt.utf8.count, "\(prompt)")
                    cases.append([prompt, TaskPrompt.trainingAnswer(task)])
                }
            }
        }
        #expect(TaskPrompt.compact(SwarmTask(try TaskSpec(family: .arc1D, difficulty: 1, seed: 1))) == nil)
        let script = #"""
            import sys, json
            from fractions import Fraction
            from decimal import Decimal
            def digits(n, b):
                s = "0123456789abcdefghijklmnopqrstuvwxyz"; out = ""
                while True:
                    out = s[n % b] + out; n //= b
                    if n == 0: return out
            def solve(p):
                k, body = p[0], p[1:]
                if k == "B": return str(eval(body))
                if k == "D":
                    v = eval("".join(f"Decimal('{t}')" if t[0].isdigit() else t for t in tokens(body)))
                    return v
                if k == "C":
                    bases, ds = body.split(":"); f, t = bases.split(">")
                    return digits(int(ds, int(f)), int(t))
                if k == "F":
                    f = Fraction(body); return f"{f.numerator}/{f.denominator}"
                if k == "L":
                    vals, formula = body.split(":")
                    env = {vals[i]: vals[i + 1] == "1" for i in range(0, len(vals), 2)}
                    v, end = formula_value(formula, 0, env)
                    assert end == len(formula)
                    return "true" if v else "false"
                if k == "S":
                    xs = sorted(int(x) for x in body[1:].split(",")); xs = xs if body[0] == "+" else xs[::-1]
                    return ",".join(map(str, xs))
            OPS = {"<->": lambda a, b: a == b, "->": lambda a, b: (not a) or b, "&": lambda a, b: a and b, "|": lambda a, b: a or b}
            def operand(s, i, env):
                if s[i] == "~": v, i = operand(s, i + 1, env); return (not v), i
                if s[i] == "(":
                    v, i = formula_value(s, i + 1, env); assert s[i] == ")"; return v, i + 1
                return env[s[i]], i + 1
            def formula_value(s, i, env):
                v, i = operand(s, i, env)
                for op, f in OPS.items():
                    if s.startswith(op, i):
                        r, i = operand(s, i + len(op), env); return f(v, r), i
                return v, i
            def tokens(e):
                out, cur = [], ""
                for c in e:
                    if c.isdigit() or c == ".": cur += c
                    else:
                        if cur: out.append(cur); cur = ""
                        out.append(c)
                if cur: out.append(cur)
                return out
            for p, a in json.loads(sys.stdin.read()):
                got = solve(p)
                ok = (Decimal(str(got)) == Decimal(a)) if p[0] in "BD" else got == a
                print("ok" if ok else f"MISMATCH {p} {got} {a}")
            """#
        let out = try PythonOracle.run(script, input: String(decoding: try JSONSerialization.data(withJSONObject: cases), as: UTF8.self))
        let lines = out.split(separator: "\n")
        #expect(lines.count == cases.count)
        for line in lines where line != "ok" { Issue.record("\(line)") }
    }
}

@Suite("GPT policy: SAPO learner")
struct SAPOLearnerTests {
    static let config = GPTConfig(vocabulary: 10, context: 8, width: 8, heads: 2, layers: 1, hidden: 12)
    static let sequences = [
        SAPOLearner.Sequence(prompt: [1, 5, 6], completion: [7, 2], advantage: 1.2),
        SAPOLearner.Sequence(prompt: [1, 3], completion: [4, 4, 8, 2], advantage: -0.7),
        SAPOLearner.Sequence(prompt: [1, 9, 9, 9], completion: [2], advantage: 0.3),
    ]

    static func learner(seed: UInt64 = 5, scale: Float = 10, iterations: Int = 1) throws -> SAPOLearner {
        let model = try GPT(config)
        var params = try model.initialParameters(seed: seed)
        // Larger than the 0.02 init so log-probabilities and gradients are far from uniform.
        for name in params.names where params[name]!.rank == 2 { params[name] = params[name]!.scaled(by: scale) }
        return SAPOLearner(model: model, parameters: params, learningRate: 1e-2, iterations: iterations)
    }

    /// The loss and gradient of the clipped surrogate vs a float64 numpy GPT (written from the
    /// architecture's definition, each sequence run alone, without padding), differentiated by
    /// central differences in float64. π_old is shifted per token so that some tokens clip.
    @Test("loss and gradient match a float64 reference, clipped tokens included")
    func lossAndGradientVsFloat64() throws {
        let learner = try Self.learner()
        let current = try learner.evaluate(Self.sequences)
        let shifts: [Float] = [-0.5, 0.5, -0.1, 0.1, 0.4, -0.4, 0.3]
        var k = 0
        let old = current.logProbabilities.map { row in row.map { x -> Float in k += 1; return x + shifts[k % shifts.count] } }
        let e = try learner.evaluate(Self.sequences, old: old)
        #expect(e.surrogate.tokens == 7)
        #expect(e.surrogate.clippedTokens > 0 && e.surrogate.clippedTokens < 7, "clipped \(e.surrogate.clippedTokens)")
        let params = learner.parameters
        var payload: [String: Any] = [:]
        payload["params"] = Dictionary(uniqueKeysWithValues: params.names.map { ($0, ["shape": params[$0]!.shape, "data": params[$0]!.scalars.map(Double.init)]) })
        payload["seqs"] = Self.sequences.map { ["prompt": $0.prompt, "completion": $0.completion, "advantage": Double($0.advantage)] }
        payload["old"] = old.map { $0.map(Double.init) }
        payload["config"] = ["heads": Self.config.heads, "layers": Self.config.layers]
        let script = #"""
            import sys, json, math, numpy as np
            d = json.loads(sys.stdin.read())
            names = sorted(d["params"])
            P = {n: np.array(d["params"][n]["data"], dtype=np.float64).reshape(d["params"][n]["shape"]) for n in names}
            H, L = d["config"]["heads"], d["config"]["layers"]
            erf = np.vectorize(math.erf)
            def ln(x, n): m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True); return (x - m) / np.sqrt(v + np.float64(np.float32(1e-5))) * P[n + ".weight"] + P[n + ".bias"]
            def lin(x, n): return x @ P[n + ".weight"] + (P[n + ".bias"] if n + ".bias" in P else 0)
            def logp(tokens):
                T = len(tokens); x = P["wte.weight"][tokens] + P["wpe.weight"][:T]
                for l in range(L):
                    h = ln(x, f"h{l}.ln1"); W = x.shape[1]; dh = W // H
                    q, k, v = (lin(h, f"h{l}.attn.{s}") for s in "qkv"); o = np.zeros_like(q)
                    for hh in range(H):
                        c = slice(hh * dh, (hh + 1) * dh); s = q[:, c] @ k[:, c].T / math.sqrt(dh)
                        s = s + np.triu(np.full((T, T), -np.inf), 1); s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
                        o[:, c] = s @ v[:, c]
                    x = x + lin(o, f"h{l}.attn.out")
                    f = lin(ln(x, f"h{l}.ln2"), f"h{l}.mlp.fc"); f = 0.5 * f * (1 + erf(f / math.sqrt(2)))
                    x = x + lin(f, f"h{l}.mlp.proj")
                z = lin(ln(x, "ln_f"), "lm_head"); z = z - z.max(-1, keepdims=True); return z - np.log(np.exp(z).sum(-1, keepdims=True))
            lo, hi = 1 - np.float64(np.float32(0.2)), 1 + np.float64(np.float32(0.28))
            def loss():
                total, n = 0.0, 0
                for s, old in zip(d["seqs"], d["old"]):
                    full = s["prompt"] + s["completion"]; lp = logp(full[:-1]); a = s["advantage"]
                    for j in range(len(s["completion"])):
                        t = len(s["prompt"]) - 1 + j; rho = math.exp(lp[t, full[t + 1]] - old[j])
                        total += min(rho * a, min(max(rho, lo), hi) * a); n += 1
                return -total / n
            base = loss(); grads = {}
            for name in names:
                g = np.zeros(P[name].size); flat = P[name].reshape(-1)
                for i in range(flat.size):
                    x0 = flat[i]; h = 1e-6
                    flat[i] = x0 + h; up = loss(); flat[i] = x0 - h; down = loss(); flat[i] = x0
                    g[i] = (up - down) / (2 * h)
                grads[name] = g.tolist()
            print(json.dumps({"loss": base, "grads": grads}))
            """#
        let out = try PythonOracle.run(script, input: String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self))
        let ref = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let refLoss = try #require(ref["loss"] as? Double)
        #expect(abs(Double(e.surrogate.loss) - refLoss) <= 1e-5 * max(1, abs(refLoss)), "loss \(e.surrogate.loss) vs \(refLoss)")
        let refGrads = try #require(ref["grads"] as? [String: [Double]])
        let largest = refGrads.values.flatMap { $0 }.map(abs).max() ?? 0
        #expect(largest > 1e-3)
        var compared = 0
        for name in params.names {
            let got = e.gradients[name]!.scalars, want = try #require(refGrads[name])
            #expect(got.count == want.count)
            for (g, w) in zip(got, want) {
                #expect(abs(Double(g) - w) <= 2e-5 * max(1, largest) + 1e-3 * abs(w), "\(name): \(g) vs \(w)")
                compared += 1
            }
        }
        #expect(compared == params.scalarCount)
    }

    @Test("with π_old = π (one iteration) nothing clips and the gradient is −mean(A·∇log π)")
    func firstIterationIsPolicyGradient() throws {
        let learner = try Self.learner()
        let e = try learner.evaluate(Self.sequences)
        #expect(e.surrogate.clippedTokens == 0)
        // loss = −Σ A/N over tokens: 1.2·2 − 0.7·4 + 0.3·1 = −0.1 → +0.1/7
        #expect(abs(e.surrogate.loss - Float(0.1 / 7)) < 1e-6)
    }

    @Test("a SAPO step is bitwise reproducible, across RepOps thread counts too")
    func stepReproducible() throws {
        let saved = RepOps.threads
        defer { RepOps.threads = saved }
        var digests: [String] = []
        for threads in [1, 2, 1] {
            RepOps.threads = threads
            for iterations in [1, 3] {
                var l = try Self.learner(iterations: iterations)
                let report = try l.step(Self.sequences)
                let again = try l.step(Self.sequences)
                #expect(report.parametersDigest != again.parametersDigest)
                digests.append(report.parametersDigest + again.parametersDigest)
            }
        }
        #expect(digests[0] == digests[2] && digests[0] == digests[4])
        #expect(digests[1] == digests[3] && digests[1] == digests[5])
        #expect(digests[0] != digests[1])
        // Traced for Verde: every op recorded, and the same parameters as untraced.
        let trace = TraceBuffer()
        var traced = try Self.learner()
        let report = try traced.step(Self.sequences, traceSink: trace)
        #expect(digests[0].hasPrefix(report.parametersDigest) && trace.records.count > 50)
    }

    @Test("bad batches are typed errors and leave the parameters unchanged")
    func badBatches() throws {
        var l = try Self.learner()
        let before = l.parameters
        #expect(throws: PolicyError.self) { try l.step([]) }
        #expect(throws: PolicyError.self) { try l.step([SAPOLearner.Sequence(prompt: [1], completion: [], advantage: 1)]) }
        #expect(throws: PolicyError.self) { try l.step([SAPOLearner.Sequence(prompt: [1], completion: Array(repeating: 2, count: 9), advantage: 1)]) }
        #expect(throws: PolicyError.self) { try l.step([SAPOLearner.Sequence(prompt: [1], completion: [2], advantage: .nan)]) }
        #expect(throws: PolicyError.self) { try l.step([SAPOLearner.Sequence(prompt: [1], completion: [12], advantage: 1)]) }
        #expect(l.parameters == before)
    }
}

@Suite("GPT policy: base model and rollouts")
struct GPTPolicyTests {
    static let model = GPTConfig(vocabulary: TaskTokenizer().vocabulary, context: 24, width: 16, heads: 2, layers: 1)
    static let recipe = BaseModel.Recipe(model: model, families: [.basicArithmetic, .propositionalLogic], steps: 12, batchSize: 8, seed: 3)

    @Test("the warm-up learns, is deterministic, and its cache round-trips")
    func warmupAndCache() throws {
        var curve: [Float] = []
        let a = try BaseModel.train(Self.recipe) { _, logp in curve.append(logp) }
        #expect(curve.count == 12 && curve.last! > curve.first! + 0.5, "\(curve)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gensyn-swarm-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try BaseModel.cached(Self.recipe, directory: dir)
        #expect(!first.fromCache && first.parameters == a)
        let second = try BaseModel.cached(Self.recipe, directory: dir)
        #expect(second.fromCache && second.parameters.digestHex == a.digestHex)
        var other = Self.recipe
        other.seed = 4
        #expect(other.identifier != Self.recipe.identifier)
        try Data("not safetensors".utf8).write(to: URL(fileURLWithPath: dir + "/base-\(Self.recipe.identifier).safetensors"))
        #expect(throws: PolicyError.self) { try BaseModel.cached(Self.recipe, directory: dir) }
    }

    @Test("per-node warm-ups give nodes different base models; without them every node gets the same one")
    func heterogeneousNodes() throws {
        let warmups = [BaseModel.Warmup(families: [.propositionalLogic], steps: 6), BaseModel.Warmup(families: [.basicArithmetic], steps: 4)]
        let recipes = BaseModel.nodeRecipes(base: Self.recipe, warmups: warmups, nodes: 4)
        #expect(recipes.map(\.families) == [[.propositionalLogic], [.basicArithmetic], [.propositionalLogic], [.basicArithmetic]])
        #expect(recipes.map(\.steps) == [6, 4, 6, 4] && recipes.allSatisfy { $0.model == Self.recipe.model && $0.seed == Self.recipe.seed })
        let trained = try recipes.map { try BaseModel.train($0) }
        #expect(trained[0] != trained[1] && trained[0] == trained[2] && trained[1] == trained[3])
        #expect(recipes[0].identifier != recipes[1].identifier)
        // The logic-warmed base fits logic targets better than the arithmetic-warmed one, and vice versa.
        func meanLogP(_ p: ParameterSet, _ family: TaskFamily) throws -> Float {
            var r = Self.recipe
            r.families = [family]
            // One step at learning rate 0 only measures the mean log-probability of held-out targets.
            var learner = SAPOLearner(model: try GPT(Self.model), parameters: p, learningRate: 0, maxGradientNorm: 1, optimizer: AdamW(weightDecay: 0))
            return try learner.step(BaseModel.batch(r, step: 999)).meanLogProbability
        }
        #expect(try meanLogP(trained[0], .propositionalLogic) > meanLogP(trained[1], .propositionalLogic))
        #expect(try meanLogP(trained[1], .basicArithmetic) > meanLogP(trained[0], .basicArithmetic))
        let same = BaseModel.nodeRecipes(base: Self.recipe, warmups: [], nodes: 4)
        #expect(same.count == 4 && same.allSatisfy { $0 == Self.recipe })
    }

    @Test("per-node sizes: node i gets size i mod count, alone and with warm-ups i mod their own count; distinct bases")
    func nodeSizes() throws {
        let sizes = [try BaseModel.Size(width: 16, layers: 1), try BaseModel.Size(width: 24, layers: 2, heads: 3)]
        let alone = BaseModel.nodeRecipes(base: Self.recipe, warmups: [], sizes: sizes, nodes: 5)
        #expect(alone.map(\.model.width) == [16, 24, 16, 24, 16] && alone.map(\.model.layers) == [1, 2, 1, 2, 1])
        #expect(alone.map(\.model.heads) == [2, 3, 2, 3, 2] && alone.map(\.model.hidden) == [64, 96, 64, 96, 64])
        // Only the size changes: vocabulary, context, warm-up and seed stay the base's.
        #expect(alone.allSatisfy { $0.families == Self.recipe.families && $0.steps == Self.recipe.steps && $0.seed == Self.recipe.seed
            && $0.model.context == Self.model.context && $0.model.vocabulary == Self.model.vocabulary })
        #expect(alone[0].identifier != alone[1].identifier && alone[0] == alone[2])
        // The size is part of the cache key, and a sized model builds with the parameter shapes it trains.
        #expect(alone[0].canonicalText.contains("width 16 heads 2 layers 1 hidden 64"))
        #expect(alone[1].canonicalText.contains("width 24 heads 3 layers 2 hidden 96"))
        #expect(try GPT(alone[1].model).parameterSpecs.first { $0.shape.contains(96) } != nil)

        // Three warm-ups with two sizes: warm-up i mod 3, size i mod 2 (six distinct pairs).
        let warmups = [BaseModel.Warmup(families: [.propositionalLogic], steps: 6), BaseModel.Warmup(families: [.basicArithmetic], steps: 4),
                       BaseModel.Warmup(families: [.baseConversion], steps: 5)]
        let both = BaseModel.nodeRecipes(base: Self.recipe, warmups: warmups, sizes: sizes, nodes: 7)
        #expect(both.map(\.steps) == [6, 4, 5, 6, 4, 5, 6] && both.map(\.model.width) == [16, 24, 16, 24, 16, 24, 16])
        #expect(both.map(\.families) == (0..<7).map { warmups[$0 % 3].families })
        #expect(Set(both.prefix(6).map(\.identifier)).count == 6 && both[6] == both[0])
        let distinct = BaseModel.distinctRecipes(base: Self.recipe, warmups: warmups, sizes: sizes)
        #expect(distinct == Array(both.prefix(6)))
        #expect(distinct.map(\.label) == ["propositional_logic:6 16x1x2", "basic_arithmetic:4 24x2x3", "base_conversion:5 16x1x2",
                                          "propositional_logic:6 24x2x3", "basic_arithmetic:4 16x1x2", "base_conversion:5 24x2x3"])
        // Two of each pair up: node i always has warm-up i mod 2 with size i mod 2, so two bases only.
        let paired = BaseModel.distinctRecipes(base: Self.recipe, warmups: Array(warmups.prefix(2)), sizes: sizes)
        #expect(paired.map(\.steps) == [6, 4] && paired.map(\.model.width) == [16, 24])
        #expect(BaseModel.distinctRecipes(base: Self.recipe, warmups: [], sizes: []) == [Self.recipe])
        #expect(BaseModel.nodeRecipes(base: Self.recipe, warmups: warmups, sizes: [], nodes: 3) == BaseModel.nodeRecipes(base: Self.recipe, warmups: warmups, nodes: 3))
    }

    @Test("node sizes parse WxL[xH] and reject what cannot build", arguments: [
        ("32x3x3", "not a multiple of heads"), ("0x2", "width 0 is outside 1...512"), ("513x2", "width 513"), ("32x0", "layers 0"),
        ("32x2x0", "heads 0"), ("32", "is not WIDTHxLAYERS"), ("32x2x2x2", "is not WIDTHxLAYERS"), ("ax2", "is not WIDTHxLAYERS"),
        ("32x", "is not WIDTHxLAYERS"), ("32X2", "is not WIDTHxLAYERS"), ("32x2,,48x3", "'' is not"), ("", "≥ 1 size"),
    ])
    func sizeValidation(text: String, message: String) {
        do {
            let sizes = try BaseModel.Size.list(parsing: text)
            Issue.record("'\(text)' parsed as \(sizes)")
        } catch {
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("node sizes: valid lists parse with heads defaulting to 2")
    func sizeParsing() throws {
        let sizes = try BaseModel.Size.list(parsing: "32x2,48x3,64x4x4,512x512x512,1x1x1")
        #expect(sizes.map(\.description) == ["32x2x2", "48x3x2", "64x4x4", "512x512x512", "1x1x1"])
        #expect(sizes[1] == (try BaseModel.Size(width: 48, layers: 3)))
        #expect(throws: PolicyError.self) { try BaseModel.Size(width: 30, layers: 2, heads: 4) }
    }

    /// Nodes of different sizes share decoded text, so each re-tokenises and trains on the other's
    /// rollouts: an in-process swarm of a 16-wide 1-layer and a 24-wide 2-layer GPT.
    @Test("two nodes of different sizes exchange rollouts and both take SAPO steps on them")
    func heterogeneousSizesSwarm() async throws {
        let base = BaseModel.Recipe(model: Self.model, families: [.propositionalLogic], steps: 40, batchSize: 16, learningRate: 1e-2, seed: 3)
        let sizes = try BaseModel.Size.list(parsing: "16x1,24x2x3")
        let recipes = BaseModel.nodeRecipes(base: base, warmups: [], sizes: sizes, nodes: 2)
        let policies = try recipes.map { r in
            try GPTPolicy(config: GPTPolicyConfig(model: r.model, maxCompletionTokens: 8, learningRate: 1e-2), parameters: BaseModel.train(r))
        }
        #expect(policies[0].learner.parameters.scalarCount != policies[1].learner.parameters.scalarCount)
        typealias Node = SwarmNode<InProcessTransport, GPTPolicy>
        let network = InProcessNetwork(), ids = ["small", "large"]
        let nodes: [Node] = (0..<2).map { i in
            let c = SwarmNodeConfig(nodeID: ids[i], seed: UInt64(10 + i), families: [.propositionalLogic], completionsPerQuestion: 4,
                                    localSamples: 2, externalSamples: 2,
                                    exchange: PeerExchange.Config(fetchTimeoutMillis: 60_000, retryIntervalMillis: 1), questionsPerFamily: 4)
            return SwarmNode(config: c, transport: InProcessTransport(network: network, node: ids[i]), policy: policies[i])
        }
        let results = await withTaskGroup(of: (Int, [RoundReport], Node).self) { group in
            for (i, n) in nodes.enumerated() {
                group.addTask {
                    var node = n
                    var reports: [RoundReport] = []
                    for _ in 0..<2 { reports.append(await node.runRound()) }
                    return (i, reports, node)
                }
            }
            var out: [(Int, [RoundReport], Node)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }
        }
        for (i, reports, node) in results {
            let other = ids[1 - i]
            for r in reports {
                #expect(r.exchange.received == [other], "\(ids[i]) round \(r.round)")
                #expect(r.exchange.external.count == 4 && r.exchange.external.allSatisfy { $0.origin == other })
            }
            // Some round's batch holds the other node's rollouts (groups with signal), and every
            // round with a batch was a SAPO step on this node's own model.
            #expect(reports.contains { !$0.batch.external.isEmpty }, "\(ids[i]): \(reports.map(\.batch))")
            let batches = reports.filter { !$0.batch.all.isEmpty }.count
            #expect(batches >= 1 && node.policy.statistics.steps == batches && node.policy.statistics.lastError == nil)
            #expect(node.policy.learner.parameters != policies[i].learner.parameters)
            #expect(node.policy.learner.model.config == recipes[i].model)
        }
    }

    @Test("rollouts are seeded, decode to text that re-tokenises, and a step trains on local + external text")
    func rolloutsAndTraining() throws {
        let base = try BaseModel.train(Self.recipe)
        var policy = try GPTPolicy(config: GPTPolicyConfig(model: Self.model, maxCompletionTokens: 8, learningRate: 1e-2), parameters: base)
        let task = SwarmTask(try TaskSpec(family: .basicArithmetic, difficulty: 1, seed: 9))
        var r1 = SwarmRandom(seed: 1), r2 = SwarmRandom(seed: 1), r3 = SwarmRandom(seed: 2)
        let a = policy.complete(task, count: 6, rng: &r1)
        #expect(a == policy.complete(task, count: 6, rng: &r2))
        #expect(a != policy.complete(task, count: 6, rng: &r3))
        #expect(Set(a).count > 1)
        for c in a { #expect(policy.completionTokens(c) != nil, "\(c)") }
        #expect(policy.statistics.generatedTokens > 0)
        // An ARC-1D task has no compact prompt: empty completions, never trained on.
        var r4 = SwarmRandom(seed: 1)
        #expect(policy.complete(SwarmTask(try TaskSpec(family: .arc1D, difficulty: 1, seed: 1)), count: 2, rng: &r4) == ["", ""])
        let verifier = Verifier()
        let answer = Verifier.format(answer: task.answer)
        let local = ScoredGroup(task: task, completions: a, origin: "me", verifier: verifier)
        let external = ScoredGroup(task: task, completions: [answer, "wrong é", "<answer>0</answer>", answer], origin: "peer", verifier: verifier)
        let (seqs, skipped) = policy.sequences([local, external])
        #expect(skipped == 1 && seqs.count == 9)
        #expect(seqs.allSatisfy { $0.completion.last == TaskTokenizer.eos || $0.completion.count == 8 })
        let before = policy.learner.parameters
        var rng = SwarmRandom(seed: 0)
        policy.train(on: RolloutSampler.sample(local: [local], external: [external], localCount: 1, externalCount: 1, rng: &rng))
        #expect(policy.statistics.steps == 1 && policy.statistics.lastError == nil)
        #expect(policy.learner.parameters != before)
        // Training on the correct answer with positive advantage makes it more likely.
        let sequence = try #require(policy.sequences([external]).sequences.first)
        let learnerBefore = SAPOLearner(model: policy.learner.model, parameters: before)
        let pBefore = try learnerBefore.evaluate([sequence]).logProbabilities[0].reduce(0, +)
        let pAfter = try policy.learner.evaluate([sequence]).logProbabilities[0].reduce(0, +)
        #expect(pAfter > pBefore)
    }

    /// RL sanity check: SAPO on the same few questions every step (a bandit) must drive their
    /// reward up. Logic questions start near a coin flip, so every group has a learning signal.
    @Test("the learner learns: SAPO steps on fixed questions raise their reward; headroom is measured")
    func drillLearns() throws {
        // A logic-only warm-up long enough to answer in format (≈ coin-flip correctness).
        let recipe = BaseModel.Recipe(model: Self.model, families: [.propositionalLogic], steps: 60, batchSize: 16, learningRate: 1e-2, seed: 3)
        let base = try BaseModel.train(recipe)
        var policy = try GPTPolicy(config: GPTPolicyConfig(model: Self.model, maxCompletionTokens: 8, learningRate: 1e-2), parameters: base)
        let tasks = try (0..<4).map { SwarmTask(try TaskSpec(family: .propositionalLogic, difficulty: 1, seed: UInt64(100 + $0))) }
        var probe = policy
        let before = probe.headroom(tasks, samples: 8, seed: 1)
        #expect(before.questions == 4 && before.samples == 8)
        #expect(before.passAtK >= before.sampledAccuracy && before.sampledAccuracy >= 0 && before.passAtK <= 1)
        #expect(before.greedyAccuracy == Double(tasks.filter { Verifier().score(probe.greedyCompletion($0), for: $0).correctness > 0 }.count) / 4)
        let curve = policy.drill(tasks, completions: 8, steps: 40, seed: 7)
        #expect(curve.count == 40)
        // It rises within a few steps, then plateaus (≈ 3 of the 4 questions always right).
        let first = curve.prefix(3).reduce(0, +) / 3, last = curve.suffix(10).reduce(0, +) / 10
        #expect(last > first + 0.1, "reward by step \(curve)")
        let after = policy.headroom(tasks, samples: 8, seed: 1)
        #expect(after.sampledAccuracy > before.sampledAccuracy + 0.2, "\(before) → \(after)")
    }

    @Test("the constant-answer baseline is the most common answer's share (ties: the smallest answer)")
    func constantBaseline() throws {
        let tasks = try (0..<200).map { SwarmTask(try TaskSpec(family: .propositionalLogic, difficulty: 1, seed: UInt64(900 + $0))) }
        let trues = tasks.filter { $0.answer == "true" }.count
        let (answer, accuracy) = PolicyHeadroom.constantBaseline(tasks)
        #expect(answer == (trues >= 100 ? (trues == 100 ? "false" : "true") : "false"))
        #expect(accuracy == Double(max(trues, 200 - trues)) / 200)
        #expect(tasks.filter { $0.answer == answer }.count == Int((accuracy * 200).rounded()))
        let tie = try [1, 2].map { SwarmTask(try TaskSpec(family: .basicArithmetic, difficulty: 1, seed: UInt64($0))) }
        if tie[0].answer != tie[1].answer {
            #expect(PolicyHeadroom.constantBaseline(tie) == (min(tie[0].answer, tie[1].answer), 0.5))
        }
        #expect(PolicyHeadroom.constantBaseline([]) == ("", 0))
    }

    @Test("policy configuration is validated")
    func invalidConfig() throws {
        let base = try GPT(Self.model).initialParameters(seed: 1)
        #expect(throws: PolicyError.self) { try GPTPolicy(config: GPTPolicyConfig(model: GPTConfig(vocabulary: 7)), parameters: base) }
        #expect(throws: PolicyError.self) { try GPTPolicy(config: GPTPolicyConfig(model: Self.model, temperature: 0), parameters: base) }
        #expect(throws: PolicyError.self) { try GPTPolicy(config: GPTPolicyConfig(model: GPTPolicyConfig.tinyModel), parameters: base) }
    }
}
