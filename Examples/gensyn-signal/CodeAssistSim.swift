import Foundation
import RepOps
import Signal

/// CodeAssist-like simulation. The "editor" asks the local model to name a variable from two
/// words (`let <a> <b> =`); the model has seen both conventions (three camelCase names for every
/// snake_case one) and so proposes camelCase. The simulated coder's hidden preference is
/// snake_case: they accept a suggestion written that way, otherwise reject the suggestions and
/// type the name themselves. Signal records every step; DPO on the extracted pairs tunes the
/// model; acceptance of its greedy suggestion on held-out prompts (word pairs the coder never
/// saw during the interactions) is measured before and after.
struct CodeAssistSimulation {
    /// The editor state: the words the variable is named after.
    struct EditorState: Codable, Sendable { var words: [String] }
    /// A completion: the proposed identifier.
    struct Completion: Codable, Sendable, Equatable { var text: String }
    /// No app outcome in this simulation.
    struct NoOutcome: Codable, Sendable {}

    static let words = ["user", "item", "order", "cart", "price", "total", "count", "name", "file", "line", "page", "node", "task", "event", "date", "color"]
    // Tokens: 0 BOS, 1 "=", 2 "_", 3 end, then the words, then their capitalised forms.
    static let bos = 0, equals = 1, underscore = 2, end = 3
    static func lower(_ w: Int) -> Int { 4 + w }
    static func upper(_ w: Int) -> Int { 4 + words.count + w }
    static let vocabulary = 4 + 2 * words.count
    static let config = GPTConfig(vocabulary: vocabulary, context: 8, width: 32, heads: 4, layers: 2)

    let seed: UInt64

    static func prompt(_ a: Int, _ b: Int) -> [Int] { [bos, lower(a), lower(b), equals] }
    static func snake(_ a: Int, _ b: Int) -> [Int] { [lower(a), underscore, lower(b), end] }
    static func camel(_ a: Int, _ b: Int) -> [Int] { [lower(a), upper(b), end] }

    /// Identifier text of completion tokens (stops at the end token; unknown tokens as `?`).
    static func text(_ tokens: [Int]) -> String {
        tokens.prefix { $0 != end }.map { t in
            switch t {
            case underscore: return "_"
            case lower(0)..<lower(words.count): return words[t - lower(0)]
            case upper(0)..<upper(words.count): return words[t - upper(0)].prefix(1).uppercased() + words[t - upper(0)].dropFirst()
            default: return "?"
            }
        }.joined()
    }

    /// Tokens of an identifier (inverse of ``text(_:)``), ending with the end token.
    static func tokens(_ text: String) -> [Int] {
        var out: [Int] = [], rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("_") { out.append(underscore); rest = rest.dropFirst(); continue }
            guard let (i, isUpper) = words.indices.lazy.compactMap({ i -> (Int, Bool)? in
                let w = words[i], cap = w.prefix(1).uppercased() + w.dropFirst()
                return rest.hasPrefix(w) ? (i, false) : rest.hasPrefix(cap) ? (i, true) : nil
            }).first else { out.append(0); break }
            out.append(isUpper ? upper(i) : lower(i))
            rest = rest.dropFirst(words[i].count)
        }
        return out + [end]
    }

    /// The coder's hidden preference.
    static func accepts(_ completion: String, _ a: Int, _ b: Int) -> Bool { completion == words[a] + "_" + words[b] }

    func run(_ options: Options) throws {
        let began = Date()
        let model = try GPT(Self.config)
        let combos = Self.words.indices.flatMap { a in Self.words.indices.filter { $0 != a }.map { (a, $0) } }
        let order = TuningSplit.permutation(combos.count, seed: seed)
        let interaction = order.prefix(160).map { combos[$0] }, heldOutPrompts = order.dropFirst(160).map { combos[$0] }

        // 1. The base model: behaviour cloning on a corpus with both conventions (3 camel : 1 snake).
        progress("codeassist-sim: pre-training the base model on \(combos.count) names in both conventions")
        var pretrain = try PreferenceTuner(model: model, base: model.initialParameters(seed: seed),
                                           configuration: TuningConfiguration(batchSize: 32, learningRate: 1e-2, seed: seed))
        let corpus = combos.flatMap { a, b in
            [Self.camel(a, b), Self.camel(a, b), Self.camel(a, b), Self.snake(a, b)].map { TokenizedExample(prompt: Self.prompt(a, b), completion: $0, weight: 1) }
        }
        for epoch in 0..<12 {
            let loss = try pretrain.behaviourCloningEpoch(corpus)
            progress("  epoch \(epoch + 1): loss \(String(format: "%.3f", loss))")
        }
        let base = pretrain.parameters

        func acceptance(_ parameters: ParameterSet) throws -> Double {
            var accepted = 0
            for (a, b) in heldOutPrompts {
                let out = try complete(model, parameters, prompt: Self.prompt(a, b), stop: Self.end, limit: 4)
                if Self.accepts(Self.text(out), a, b) { accepted += 1 }
            }
            return Double(accepted) / Double(heldOutPrompts.count)
        }
        let before = try acceptance(base)
        progress("held-out acceptance of the base model: \(before)")

        // 2. Interactions, recorded through Signal: two sampled suggestions per prompt.
        let scratch = ScratchStore("codeassist")
        defer { scratch.remove() }
        let store = try scratch.open()
        let recorder = try Recorder<EditorState, Completion, NoOutcome>(store: store)
        var episodes: [EpisodeID] = []
        for (k, (a, b)) in interaction.enumerated() {
            if k % 20 == 0 { episodes.append(recorder.newEpisode()) }
            let suggestions = try (0..<2).map { i in
                Completion(text: Self.text(try complete(model, base, prompt: Self.prompt(a, b), stop: Self.end, limit: 4,
                                                        sampling: .sample(temperature: 1), seed: seed &* 1_000_003 &+ UInt64(2 * k + i))))
            }
            let state = EditorState(words: [Self.words[a], Self.words[b]])
            let typed = Completion(text: Self.words[a] + "_" + Self.words[b])
            var transition = Transition<EditorState, Completion, NoOutcome>(state: state, suggestions: suggestions.map { Suggestion($0) })
            if let i = suggestions.firstIndex(where: { Self.accepts($0.text, a, b) }) {
                transition.action = suggestions[i]
                transition.feedback = [.accepted(i)] + suggestions.indices.filter { $0 != i && suggestions[$0] != suggestions[i] }.map { .rejected($0) }
            } else {
                transition.action = typed
                transition.feedback = suggestions.indices.map { .rejected($0) }
            }
            try recorder.record(transition, in: episodes.last!)
        }
        let records = store.statistics().records
        var pairs: [TokenizedPreference] = []
        for episode in episodes {
            let data = try PreferenceExtractor(weights: .codeAssist).extract(episode: recorder.transitions(in: episode))
            pairs += data.tokenizedPairs(prompt: { s in Self.prompt(Self.words.firstIndex(of: s.words[0])!, Self.words.firstIndex(of: s.words[1])!) },
                                         completion: { Self.tokens($0.text) })
        }
        try store.close()
        progress("recorded \(records) interactions, extracted \(pairs.count) preference pairs")

        // 3. Local DPO tuning from the base (the frozen reference). DPO alone drives its loss down by
        // making both names unlikely; the chosen-NLL term (α = 1) keeps the chosen names likely.
        let (train, heldOutPairs) = try TuningSplit.split(pairs, heldOutFraction: 0.2, seed: seed &+ 1)
        var tuner = try PreferenceTuner(model: model, base: base,
                                        configuration: TuningConfiguration(batchSize: 16, learningRate: 5e-4, beta: 0.1, chosenLikelihoodWeight: 1, seed: seed &+ 2))
        var acceptanceByEpoch = [before], lossByEpoch = [try tuner.metrics(heldOutPairs).loss]
        for epoch in 0..<8 {
            let loss = try tuner.dpoEpoch(train)
            let m = try tuner.metrics(heldOutPairs)
            acceptanceByEpoch.append(try acceptance(tuner.parameters))
            lossByEpoch.append(m.loss)
            progress("  DPO epoch \(epoch + 1): train loss \(String(format: "%.3f", loss)), held-out pair loss \(String(format: "%.3f", m.loss)), "
                     + "pair accuracy \(m.accuracy), prompt acceptance \(acceptanceByEpoch.last!)")
        }
        let after = acceptanceByEpoch.last!

        try writeDelta(tuner, to: options.out + "/codeassist-delta.safetensors")
        let svg = renderChart(title: "codeassist-sim: held-out acceptance and DPO loss", xLabel: "DPO epoch", series: [
            ("acceptance (held-out prompts)", "#1f77b4", acceptanceByEpoch), ("DPO loss (held-out pairs)", "#d62728", lossByEpoch),
        ])
        try svg.write(toFile: options.out + "/codeassist-sim.svg", atomically: true, encoding: .utf8)
        progress("plot: \(options.out)/codeassist-sim.svg; \(String(format: "%.1f", Date().timeIntervalSince(began))) s")
        if options.json {
            print("{\"acceptance_before\": \(before), \"acceptance_after\": \(after), \"records\": \(records), \"pairs\": \(pairs.count)}")
        } else {
            print("acceptance on \(heldOutPrompts.count) held-out prompts: \(before) → \(after) (\(records) records, \(pairs.count) pairs)")
        }
    }
}
