import RepOps

/// A tokenized preference pair for DPO: after `prompt`, `chosen` is preferred over `rejected`.
/// Both completions are scored as continuations of the same prompt.
public struct TokenizedPreference: Sendable, Hashable, Codable {
    /// The context tokens (at least one: the first completion token is predicted from it).
    public var prompt: [Int]
    /// The preferred completion (at least one token).
    public var chosen: [Int]
    /// The dispreferred completion (at least one token).
    public var rejected: [Int]

    /// A pair of completions of `prompt`.
    public init(prompt: [Int], chosen: [Int], rejected: [Int]) {
        self.prompt = prompt
        self.chosen = chosen
        self.rejected = rejected
    }
}

/// A tokenized reward-weighted example for behaviour cloning: imitate `completion` after
/// `prompt` with `weight` (negative: push its probability down).
public struct TokenizedExample: Sendable, Hashable, Codable {
    /// The context tokens (at least one).
    public var prompt: [Int]
    /// The completion to imitate (at least one token).
    public var completion: [Int]
    /// The example's weight, usually its reward.
    public var weight: Float

    /// An example.
    public init(prompt: [Int], completion: [Int], weight: Float) {
        self.prompt = prompt
        self.completion = completion
        self.weight = weight
    }
}

extension PreferenceData {
    /// The pairs as token sequences: `prompt` encodes the context, `completion` an action.
    public func tokenizedPairs(prompt: (State) -> [Int], completion: (Action) -> [Int]) -> [TokenizedPreference] {
        pairs.map { TokenizedPreference(prompt: prompt($0.context), chosen: completion($0.chosen), rejected: completion($0.rejected)) }
    }

    /// The reward-weighted examples as token sequences, weighted by their reward.
    public func tokenizedExamples(prompt: (State) -> [Int], completion: (Action) -> [Int]) -> [TokenizedExample] {
        examples.map { TokenizedExample(prompt: prompt($0.context), completion: completion($0.action), weight: Float($0.reward)) }
    }
}

/// Deterministic splits and orders for tuning data.
public enum TuningSplit {
    /// Splits `items` into a training and a held-out part: a seeded permutation (Philox keys,
    /// ties by index), of which the first `round(heldOutFraction · n)` items are held out. The
    /// same items, fraction and seed give the same split on every machine.
    /// - Throws: `invalidConfiguration` unless `heldOutFraction` is in `0..<1`.
    public static func split<T>(_ items: [T], heldOutFraction: Double, seed: UInt64) throws(SignalError) -> (train: [T], heldOut: [T]) {
        guard heldOutFraction >= 0, heldOutFraction < 1 else {
            throw SignalError(.invalidConfiguration, "heldOutFraction must be in 0..<1; got \(heldOutFraction)")
        }
        let order = permutation(items.count, seed: seed)
        let k = Int((heldOutFraction * Double(items.count)).rounded())
        return (order[k...].map { items[$0] }, order[..<k].map { items[$0] })
    }

    /// A seeded permutation of `0..<n`: indices sorted by Philox uniform keys (ties by index).
    public static func permutation(_ n: Int, seed: UInt64) -> [Int] {
        guard n > 1, let keys = try? Tensor.randomUniform(shape: [n], seed: seed).scalars else { return Array(0..<n) }
        return (0..<n).sorted { (keys[$0], $0) < (keys[$1], $1) }
    }
}
