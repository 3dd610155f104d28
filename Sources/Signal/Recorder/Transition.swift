/// A model's proposal at one step (a completion, a move), with its score if the model gave one.
public struct Suggestion<Action: Codable & Sendable>: Codable, Sendable {
    public var action: Action
    /// The model's score or log-probability of `action`, when known.
    public var score: Double?

    public init(_ action: Action, score: Double? = nil) {
        self.action = action
        self.score = score
    }
}

extension Suggestion: Equatable where Action: Equatable {}
extension Suggestion: Hashable where Action: Hashable {}

/// An explicit user signal or an app-observed event, about a suggestion or a step.
///
/// `suggestion` indexes the `suggestions` of the transition at `step`; `nil` means the step's
/// outcome as a whole (what the user ended up doing). `step` is `nil` for the transition that
/// carries the feedback; set it to report later events (an undo, a test run) about an earlier step.
public struct Feedback: Codable, Sendable, Hashable {
    /// What happened; the app may define more with `Kind(rawValue:)` (weigh them in ``RewardWeights``).
    public struct Kind: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
        /// Stable name, stored in records and used as the weight key.
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The user took the suggestion as is.
        public static let accepted = Kind(rawValue: "accepted")
        /// The user dismissed the suggestion.
        public static let rejected = Kind(rawValue: "rejected")
        /// The user took the suggestion and changed it; the transition's `action` is the edit.
        public static let edited = Kind(rawValue: "edited")
        /// The user undid an accepted suggestion.
        public static let undone = Kind(rawValue: "undone")
        /// An accepted suggestion was still in place a while later.
        public static let kept = Kind(rawValue: "kept")
        /// An accepted suggestion survived to the end of the episode.
        public static let survived = Kind(rawValue: "survived")
        /// An accepted suggestion was removed before the episode ended.
        public static let removed = Kind(rawValue: "removed")
        public static let testsPassed = Kind(rawValue: "tests_passed")
        public static let testsRegressed = Kind(rawValue: "tests_regressed")
        public static let compileFixed = Kind(rawValue: "compile_fixed")
        public static let compileBroken = Kind(rawValue: "compile_broken")
        public var description: String { rawValue }
    }

    public var kind: Kind
    /// Index into the suggestions of the transition at `step`; nil: the step's outcome.
    public var suggestion: Int?
    /// The step the feedback is about; nil: the transition carrying it.
    public var step: UInt32?

    /// Feedback of `kind` about `suggestion` of `step`.
    public init(_ kind: Kind, suggestion: Int? = nil, step: UInt32? = nil) {
        self.kind = kind
        self.suggestion = suggestion
        self.step = step
    }

    public static func accepted(_ suggestion: Int) -> Feedback { Feedback(.accepted, suggestion: suggestion) }
    public static func rejected(_ suggestion: Int) -> Feedback { Feedback(.rejected, suggestion: suggestion) }
    public static func edited(_ suggestion: Int) -> Feedback { Feedback(.edited, suggestion: suggestion) }
    /// An undo of `suggestion` of the transition at `step` (nil: this transition).
    public static func undone(_ suggestion: Int, atStep step: UInt32? = nil) -> Feedback {
        Feedback(.undone, suggestion: suggestion, step: step)
    }
}

/// A reward the app computed itself (a score, a goal reached), attributed to the step's outcome.
public struct AppReward: Codable, Sendable, Hashable {
    public var name: String
    public var value: Double

    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}

/// One step of an episode: state → (model suggestions) → the user's action → next state, with
/// the user's explicit feedback and the app's rewards. The app chooses `State`, `Action` and
/// `Outcome` (any `Codable`); the store keeps them as JSON.
public struct Transition<State: Codable & Sendable, Action: Codable & Sendable, Outcome: Codable & Sendable>: Codable, Sendable {
    public var state: State
    public var suggestions: [Suggestion<Action>]
    /// What the user actually did (an accepted suggestion, an edit, their own action), if anything.
    public var action: Action?
    public var nextState: State?
    /// App-defined result of the step (e.g. compiler and test results).
    public var outcome: Outcome?
    public var feedback: [Feedback]
    public var rewards: [AppReward]

    public init(
        state: State, suggestions: [Suggestion<Action>] = [], action: Action? = nil, nextState: State? = nil,
        outcome: Outcome? = nil, feedback: [Feedback] = [], rewards: [AppReward] = []
    ) {
        self.state = state
        self.suggestions = suggestions
        self.action = action
        self.nextState = nextState
        self.outcome = outcome
        self.feedback = feedback
        self.rewards = rewards
    }

    /// Checks that feedback indices point at suggestions of this transition (earlier steps are
    /// checked when preferences are extracted).
    func validate() throws(SignalError) {
        for f in feedback where f.step == nil {
            if let i = f.suggestion, !suggestions.indices.contains(i) {
                throw SignalError(.invalidRecord,
                    "feedback '\(f.kind)' names suggestion \(i) but the transition has \(suggestions.count) suggestions")
            }
        }
        for r in rewards where !r.value.isFinite {
            throw SignalError(.encodingFailed, "app reward '\(r.name)' is \(r.value); rewards must be finite")
        }
    }
}

extension Transition: Equatable where State: Equatable, Action: Equatable, Outcome: Equatable {}

/// A transition read back, with the header the store assigned (episode, step, time).
public struct RecordedTransition<State: Codable & Sendable, Action: Codable & Sendable, Outcome: Codable & Sendable>: Sendable {
    public var header: RecordHeader
    public var transition: Transition<State, Action, Outcome>

    public init(header: RecordHeader, transition: Transition<State, Action, Outcome>) {
        self.header = header
        self.transition = transition
    }

    public var episode: EpisodeID { header.episode }
    public var step: UInt32 { header.step }
}
