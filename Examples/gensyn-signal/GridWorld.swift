import Foundation
import RepOps
import Signal

/// BlockAssist-like simulation. A player walks to a target on a grid and places a block there;
/// the assistant sees the offset to the target and suggests the next action. The base assistant
/// learned from players who move in any order (any move toward the target is fine); this player
/// has a hidden habit: vertical moves first, then horizontal, then place. Each step the player
/// accepts the suggestion if it matches the habit (the game rewards +1), otherwise rejects it and
/// moves themselves. Signal records the steps; reward-weighted behaviour cloning on the extracted
/// examples (accepted +1, rejected −1, the player's own move +1) tunes the assistant; agreement
/// with the player is measured on fresh, held-out episodes before and after.
struct GridWorldSimulation {
    struct Offset: Codable, Sendable, Hashable { var dx: Int, dy: Int }
    enum Move: String, Codable, Sendable, CaseIterable { case north, south, east, west, place }
    struct NoOutcome: Codable, Sendable {}

    static let radius = 4
    // Tokens: 0 BOS, 1 "?", 2..<11 dx = −4...4, 11..<20 dy = −4...4, 20..<25 the moves.
    static let bos = 0, query = 1
    static func dxToken(_ dx: Int) -> Int { 2 + dx + radius }
    static func dyToken(_ dy: Int) -> Int { 2 + 2 * radius + 1 + dy + radius }
    static let moveBase = 2 + 2 * (2 * radius + 1)
    static func token(_ m: Move) -> Int { moveBase + Move.allCases.firstIndex(of: m)! }
    static let config = GPTConfig(vocabulary: moveBase + Move.allCases.count, context: 6, width: 32, heads: 4, layers: 2)

    static func prompt(_ o: Offset) -> [Int] { [bos, dxToken(o.dx), dyToken(o.dy), query] }

    /// Moves that bring the player closer (or place, at the target).
    static func usefulMoves(_ o: Offset) -> [Move] {
        if o.dx == 0 && o.dy == 0 { return [.place] }
        var out: [Move] = []
        if o.dy > 0 { out.append(.north) }
        if o.dy < 0 { out.append(.south) }
        if o.dx > 0 { out.append(.east) }
        if o.dx < 0 { out.append(.west) }
        return out
    }

    /// The player's habit: the first useful move in the order north, south, east, west.
    static func preferred(_ o: Offset) -> Move { usefulMoves(o)[0] }

    static func step(_ o: Offset, _ m: Move) -> Offset {
        switch m {
        case .north: return Offset(dx: o.dx, dy: o.dy - 1)
        case .south: return Offset(dx: o.dx, dy: o.dy + 1)
        case .east: return Offset(dx: o.dx - 1, dy: o.dy)
        case .west: return Offset(dx: o.dx + 1, dy: o.dy)
        case .place: return o
        }
    }

    let seed: UInt64

    /// A random start offset for episode `k` of a stream (Philox, so runs repeat exactly).
    func start(_ k: Int, stream: UInt64) throws -> Offset {
        let u = try Tensor.randomUniform(shape: [2], seed: seed &* 7_919 &+ stream &* 1_000_003 &+ UInt64(k)).scalars
        let span = Float(2 * Self.radius + 1)
        return Offset(dx: min(Int(u[0] * span), 2 * Self.radius) - Self.radius, dy: min(Int(u[1] * span), 2 * Self.radius) - Self.radius)
    }

    /// The assistant's greedy suggestion (nil when it names no move).
    static func suggest(_ model: GPT, _ parameters: ParameterSet, _ o: Offset) throws -> Move? {
        let t = try model.generate(parameters, prompt: prompt(o), maxNewTokens: 1)[0]
        return Move.allCases.indices.contains(t - moveBase) ? Move.allCases[t - moveBase] : nil
    }

    /// Fraction of steps of `episodes` held-out episodes where the assistant's suggestion is what the player does.
    func agreement(_ model: GPT, _ parameters: ParameterSet, episodes: Int) throws -> Double {
        var agree = 0, steps = 0
        for k in 0..<episodes {
            var o = try start(k, stream: 2)
            while true {
                let want = Self.preferred(o)
                if try Self.suggest(model, parameters, o) == want { agree += 1 }
                steps += 1
                if want == .place { break }
                o = Self.step(o, want)
            }
        }
        return Double(agree) / Double(steps)
    }

    func run(_ options: Options) throws {
        let began = Date()
        let model = try GPT(Self.config)
        // 1. The base assistant: cloned from players who take any useful move (uniformly).
        var offsets: [Offset] = []
        for dx in -Self.radius...Self.radius { for dy in -Self.radius...Self.radius { offsets.append(Offset(dx: dx, dy: dy)) } }
        let corpus = offsets.flatMap { o in
            Self.usefulMoves(o).map { TokenizedExample(prompt: Self.prompt(o), completion: [Self.token($0)], weight: 1) }
        }
        progress("gridworld: pre-training the base assistant on \(corpus.count) (state, useful move) examples")
        var pretrain = try PreferenceTuner(model: model, base: model.initialParameters(seed: seed),
                                           configuration: TuningConfiguration(batchSize: 32, learningRate: 1e-2, seed: seed))
        for epoch in 0..<25 {
            let loss = try pretrain.behaviourCloningEpoch(corpus)
            if epoch % 5 == 4 { progress("  epoch \(epoch + 1): loss \(String(format: "%.3f", loss))") }
        }
        let base = pretrain.parameters
        let heldOutEpisodes = 40
        let before = try agreement(model, base, episodes: heldOutEpisodes)
        progress("agreement with the player on held-out episodes: \(before)")

        // 2. Play 60 episodes with the base assistant; Signal records every step.
        let scratch = ScratchStore("gridworld")
        defer { scratch.remove() }
        let store = try scratch.open()
        let recorder = try Recorder<Offset, Move, NoOutcome>(store: store)
        var episodes: [EpisodeID] = []
        for k in 0..<60 {
            let episode = recorder.newEpisode()
            episodes.append(episode)
            var o = try start(k, stream: 1)
            while true {
                let want = Self.preferred(o)
                let suggestion = try Self.suggest(model, base, o)
                var t = Transition<Offset, Move, NoOutcome>(state: o, action: want, nextState: Self.step(o, want))
                if let suggestion {
                    t.suggestions = [Suggestion(suggestion)]
                    t.feedback = [suggestion == want ? Feedback.accepted(0) : Feedback.rejected(0)]
                }
                if suggestion != want { t.rewards = [AppReward("player_move", 1)] }
                try recorder.record(t, in: episode)
                if want == .place { break }
                o = Self.step(o, want)
            }
        }
        let records = store.statistics().records
        let weights = RewardWeights([.accepted: 1, .rejected: -1])
        var examples: [TokenizedExample] = [], pairs = 0
        for episode in episodes {
            let data = try PreferenceExtractor(weights: weights).extract(episode: recorder.transitions(in: episode))
            pairs += data.pairs.count
            examples += data.tokenizedExamples(prompt: Self.prompt, completion: { [Self.token($0)] })
        }
        try store.close()
        progress("recorded \(records) steps, extracted \(examples.count) reward-weighted examples (\(pairs) pairs)")

        // 3. Reward-weighted behaviour cloning from the base.
        var tuner = try PreferenceTuner(model: model, base: base, configuration: TuningConfiguration(batchSize: 16, learningRate: 2e-3, seed: seed &+ 3))
        var agreementByEpoch = [before], lossByEpoch: [Double] = []
        for epoch in 0..<4 {
            lossByEpoch.append(Double(try tuner.behaviourCloningEpoch(examples)))
            agreementByEpoch.append(try agreement(model, tuner.parameters, episodes: heldOutEpisodes))
            progress("  BC epoch \(epoch + 1): loss \(String(format: "%.3f", lossByEpoch.last!)), held-out agreement \(agreementByEpoch.last!)")
        }
        let after = agreementByEpoch.last!
        try writeDelta(tuner, to: options.out + "/gridworld-delta.safetensors")
        let svg = renderChart(title: "gridworld: agreement with the player (held-out episodes)", xLabel: "behaviour-cloning epoch",
                              series: [("agreement", "#2ca02c", agreementByEpoch)])
        try svg.write(toFile: options.out + "/gridworld.svg", atomically: true, encoding: .utf8)
        progress("plot: \(options.out)/gridworld.svg; \(String(format: "%.1f", Date().timeIntervalSince(began))) s")
        if options.json {
            print("{\"agreement_before\": \(before), \"agreement_after\": \(after), \"records\": \(records), \"examples\": \(examples.count)}")
        } else {
            print("agreement with the player on held-out episodes: \(before) → \(after) (\(records) records, \(examples.count) examples)")
        }
    }
}
