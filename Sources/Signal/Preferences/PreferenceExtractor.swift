/// A preference pair for DPO-style training: in `context`, the user preferred `chosen` over
/// `rejected`.
public struct PreferencePair<State: Codable & Sendable, Action: Codable & Sendable>: Codable, Sendable {
    public enum Source: String, Codable, Sendable, Hashable {
        /// An accepted suggestion over a rejected one at the same step.
        case acceptedOverRejected = "accepted_over_rejected"
        /// An accepted (and not undone) suggestion over one the user undid.
        case acceptedOverUndone = "accepted_over_undone"
        /// The user's edit over the suggestion it was edited from.
        case editOverSuggestion = "edit_over_suggestion"
        /// The user's own action over a suggestion they rejected.
        case userActionOverRejected = "user_action_over_rejected"
    }

    /// The state both actions answer.
    public var context: State
    /// The preferred action.
    public var chosen: Action
    /// The dispreferred action.
    public var rejected: Action
    /// Which signal made the pair.
    public var source: Source
    public var episode: EpisodeID
    public var step: UInt32
}

/// A reward-weighted example for behaviour cloning: imitate `action` in `context` with weight
/// `reward` (negative: push away).
public struct RewardWeightedExample<State: Codable & Sendable, Action: Codable & Sendable>: Codable, Sendable {
    /// One term of the reward: a feedback kind (or `app:<name>` for an app reward) and its value.
    public struct Component: Codable, Sendable, Hashable {
        public var name: String
        public var value: Double
    }

    public var context: State
    public var action: Action
    public var reward: Double
    /// The terms summed into `reward` (feedback kinds and app rewards), for inspection.
    public var components: [Component]
    /// Index of the suggestion this example is about; nil for the user's own action (or edit).
    public var suggestion: Int?
    public var episode: EpisodeID
    public var step: UInt32
}

/// Reward per feedback kind. ``codeAssist`` follows CodeAssist's published rewards.
public struct RewardWeights: Codable, Sendable, Hashable {
    /// Reward by `Feedback.Kind.rawValue`; kinds not listed weigh 0.
    public var weights: [String: Double]

    /// Weights per feedback kind.
    public init(_ weights: [Feedback.Kind: Double]) {
        self.weights = Dictionary(uniqueKeysWithValues: weights.map { ($0.key.rawValue, $0.value) })
    }

    /// The weight of `kind` (0 when not listed).
    public subscript(kind: Feedback.Kind) -> Double { weights[kind.rawValue] ?? 0 }

    /// Tests pass +1 / regress −1; compile fixed +0.75 / broken −0.5; kept +0.25 / undone −0.75;
    /// survived to episode end +1 / removed before −0.25. Accept, reject and edit carry no reward
    /// of their own here (they make preference pairs).
    public static let codeAssist = RewardWeights([
        .testsPassed: 1, .testsRegressed: -1, .compileFixed: 0.75, .compileBroken: -0.5,
        .kept: 0.25, .undone: -0.75, .survived: 1, .removed: -0.25,
    ])
}

/// Training data extracted from recorded episodes.
public struct PreferenceData<State: Codable & Sendable, Action: Codable & Sendable>: Codable, Sendable {
    public var pairs: [PreferencePair<State, Action>] = []
    public var examples: [RewardWeightedExample<State, Action>] = []
}

/// (step, suggestion) a feedback refers to; suggestion nil = the step's outcome.
private struct FeedbackKey: Hashable {
    var step: UInt32
    var suggestion: Int?
}

/// Turns recorded transitions into preference pairs and reward-weighted examples. Pure.
public struct PreferenceExtractor: Sendable {
    /// Reward per feedback kind.
    public var weights: RewardWeights

    /// An extractor with `weights` (CodeAssist's by default).
    public init(weights: RewardWeights = .codeAssist) {
        self.weights = weights
    }

    /// Extracts from one episode's transitions (any order; feedback with a `step` applies to
    /// that step's transition, e.g. a later undo). Feedback naming a missing step or suggestion
    /// is a typed error.
    public func extract<S, A, O>(episode transitions: [RecordedTransition<S, A, O>]) throws(SignalError) -> PreferenceData<S, A> {
        let steps = transitions.sorted { $0.step < $1.step }
        var byStep: [UInt32: Int] = [:]
        for (i, t) in steps.enumerated() { byStep[t.step] = i }
        // Feedback gathered per (step, suggestion); suggestion nil = the step's outcome.
        var feedback: [FeedbackKey: [Feedback.Kind]] = [:]
        for t in steps {
            for f in t.transition.feedback {
                let target = f.step ?? t.step
                guard let i = byStep[target] else {
                    throw SignalError(.invalidRecord, "\(t.episode) step \(t.step): feedback '\(f.kind)' names missing step \(target)")
                }
                if let s = f.suggestion, !steps[i].transition.suggestions.indices.contains(s) {
                    throw SignalError(.invalidRecord, "\(t.episode) step \(t.step): feedback '\(f.kind)' names missing suggestion \(s) of step \(target)")
                }
                feedback[FeedbackKey(step: target, suggestion: f.suggestion), default: []].append(f.kind)
            }
        }
        var out = PreferenceData<S, A>()
        for t in steps {
            let tr = t.transition
            let kinds = { (i: Int) -> [Feedback.Kind] in feedback[FeedbackKey(step: t.step, suggestion: i)] ?? [] }
            let undone = Set(tr.suggestions.indices.filter { kinds($0).contains(.undone) })
            let accepted = tr.suggestions.indices.filter { kinds($0).contains(.accepted) && !undone.contains($0) }
            let rejected = tr.suggestions.indices.filter { kinds($0).contains(.rejected) || undone.contains($0) }
            let edited = tr.suggestions.indices.filter { kinds($0).contains(.edited) }
            func pair(_ chosen: A, _ r: Int, _ source: PreferencePair<S, A>.Source) {
                out.pairs.append(PreferencePair(context: tr.state, chosen: chosen, rejected: tr.suggestions[r].action,
                                                source: source, episode: t.episode, step: t.step))
            }
            for a in accepted {
                for r in rejected where r != a { pair(tr.suggestions[a].action, r, undone.contains(r) ? .acceptedOverUndone : .acceptedOverRejected) }
            }
            if let action = tr.action {
                for e in edited { pair(action, e, .editOverSuggestion) }
                // The user's own action (no suggestion taken, even briefly) beats what they dismissed.
                if edited.isEmpty && !tr.suggestions.indices.contains(where: { kinds($0).contains(.accepted) }) {
                    for r in rejected where !undone.contains(r) { pair(action, r, .userActionOverRejected) }
                }
            }
            // Step-level feedback and app rewards go to what was taken: the accepted suggestion,
            // else the user's action (edit or own).
            var stepComponents = (feedback[FeedbackKey(step: t.step, suggestion: nil)] ?? []).map {
                RewardWeightedExample<S, A>.Component(name: $0.rawValue, value: weights[$0])
            }
            stepComponents += tr.rewards.map { .init(name: "app:" + $0.name, value: $0.value) }
            let takenSuggestion = edited.isEmpty ? accepted.first : nil
            for i in tr.suggestions.indices where !kinds(i).isEmpty {
                var components = kinds(i).map { RewardWeightedExample<S, A>.Component(name: $0.rawValue, value: weights[$0]) }
                if i == takenSuggestion { components += stepComponents }
                out.examples.append(RewardWeightedExample(
                    context: tr.state, action: tr.suggestions[i].action, reward: components.reduce(0) { $0 + $1.value },
                    components: components, suggestion: i, episode: t.episode, step: t.step))
            }
            if let action = tr.action, takenSuggestion == nil, !stepComponents.isEmpty || !edited.isEmpty {
                let components = edited.map { _ in RewardWeightedExample<S, A>.Component(name: Feedback.Kind.edited.rawValue, value: weights[.edited]) }
                    + stepComponents
                out.examples.append(RewardWeightedExample(
                    context: tr.state, action: action, reward: components.reduce(0) { $0 + $1.value },
                    components: components, suggestion: nil, episode: t.episode, step: t.step))
            }
        }
        return out
    }
}
