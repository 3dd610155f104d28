/// SAPO's training batch: I local plus J external groups, drawn without replacement after
/// zero-advantage groups are dropped (as the paper does).
public enum RolloutSampler {
    /// The drawn batch.
    public struct Batch: Hashable, Sendable {
        /// Local groups drawn (≤ I).
        public let local: [ScoredGroup]
        /// External groups drawn (≤ J).
        public let external: [ScoredGroup]
        /// Groups dropped for zero advantage, local + external.
        public let droppedZeroAdvantage: Int
        /// All drawn groups, local first.
        public var all: [ScoredGroup] { local + external }
    }

    /// Draws up to `localCount` local and `externalCount` external groups with `rng`.
    /// When fewer non-zero-advantage groups exist than asked, all of them are taken.
    public static func sample(local: [ScoredGroup], external: [ScoredGroup], localCount: Int, externalCount: Int, rng: inout SwarmRandom) -> Batch {
        let l = local.filter { !$0.isZeroAdvantage }
        let e = external.filter { !$0.isZeroAdvantage }
        let li = rng.sampleIndices(localCount, from: l.count)
        let ei = rng.sampleIndices(externalCount, from: e.count)
        return Batch(local: li.map { l[$0] }, external: ei.map { e[$0] },
                     droppedZeroAdvantage: local.count - l.count + external.count - e.count)
    }
}
