/// The parts of the SAPO learner that need no neural network: group advantages and the
/// per-token clipped surrogate with its gradient, as pure functions over `Float` arrays.
///
/// All sums run sequentially in index order in `Float`, so results are bitwise reproducible.
/// ``SAPOLearner`` computes the ratios ρ = π/π_old with RepOps autograd and turns
/// ``surrogate(ratios:advantages:mask:clip:)``'s gradient into constant per-token weights.
public enum SAPOObjective {
    /// How the group standard deviation is computed.
    public enum Deviation: Sendable, Hashable {
        /// Bessel-corrected, divide by n − 1: `torch.Tensor.std`'s default, which genrl uses.
        case sample
        /// Divide by n.
        case population
    }

    /// The asymmetric clip range [1 − low, 1 + high].
    public struct ClipRange: Sendable, Hashable {
        /// ε_low (SAPO/genrl: 0.2).
        public let low: Float
        /// ε_high (SAPO/genrl: 0.28).
        public let high: Float
        /// A clip range; negative or NaN epsilons become 0.
        public init(low: Float = 0.2, high: Float = 0.28) {
            self.low = low.isNaN ? 0 : max(0, low)
            self.high = high.isNaN ? 0 : max(0, high)
        }
        /// SAPO's setting: ε_low 0.2, ε_high 0.28.
        public static let sapo = ClipRange()
    }

    /// Advantages within one question's group: A = (r − mean)/(std + ε), with the sample standard
    /// deviation by default (genrl uses torch's default `std`, Bessel-corrected).
    ///
    /// A group of fewer than two rewards (no spread to measure; torch gives NaN) or with
    /// non-finite rewards gets all-zero advantages, so it is dropped like a zero-spread group.
    ///
    /// A group whose rewards are all equal gets exactly zero advantages. Computing it would not:
    /// the `Float` mean of eight rewards of 0.1 is 0.10000001, so r − mean is −7.5e-9 for every
    /// completion, the standard deviation is as small, and (r − mean)/(std + 1e-8) is −0.41 for
    /// all eight — a spurious, uniform push against the group's (all-wrong but well-formatted)
    /// answers, and a group that would not be dropped.
    public static func groupAdvantages(_ rewards: [Float], deviation: Deviation = .sample, epsilon: Float = 1e-8) -> [Float] {
        let n = rewards.count
        guard n >= 2, rewards.allSatisfy(\.isFinite), rewards.contains(where: { $0 != rewards[0] }) else {
            return [Float](repeating: 0, count: n)
        }
        var sum: Float = 0
        for r in rewards { sum += r }
        let mean = sum / Float(n)
        var squares: Float = 0
        for r in rewards { let d = r - mean; squares += d * d }
        let divisor = deviation == .sample ? Float(n - 1) : Float(n)
        let std = (squares / divisor).squareRoot()
        return rewards.map { ($0 - mean) / (std + epsilon) }
    }

    /// Whether a group carries no learning signal (all advantages zero): SAPO drops these before
    /// sampling.
    public static func isZeroAdvantage(_ advantages: [Float]) -> Bool { advantages.allSatisfy { $0 == 0 } }

    /// The surrogate loss and its gradient.
    public struct Surrogate: Sendable, Hashable {
        /// −Σ min(ρA, clip(ρ)A) / (number of unmasked tokens); 0 when no token is unmasked.
        public let loss: Float
        /// ∂loss/∂ρ per token (0 on masked and clipped tokens).
        public let gradient: [Float]
        /// Unmasked tokens whose clipped term was the minimum (the update ignores them).
        public let clippedTokens: Int
        /// Unmasked tokens.
        public let tokens: Int
    }

    /// Errors for mismatched inputs.
    public struct ShapeError: Error, Hashable, Sendable, CustomStringConvertible {
        /// A message a user can act on.
        public let message: String
        public var description: String { "SAPOObjective.ShapeError: \(message)" }
    }

    /// The per-token clipped surrogate −min(ρA, clip(ρ, 1−ε_low, 1+ε_high)·A), averaged over the
    /// unmasked tokens of the whole batch (genrl: summed over tokens / number of unmasked tokens).
    ///
    /// - Parameters:
    ///   - ratios: ρ per token, flattened over sequences.
    ///   - advantages: the advantage of each token's sequence, repeated per token.
    ///   - mask: true for completion tokens that count.
    /// - Gradient: where ρA ≤ clip(ρ)A the unclipped term is the minimum and ∂/∂ρ = −A/N; otherwise
    ///   the clipped term is constant in ρ and the gradient is 0.
    public static func surrogate(ratios: [Float], advantages: [Float], mask: [Bool], clip: ClipRange = .sapo) throws(ShapeError) -> Surrogate {
        guard ratios.count == advantages.count, ratios.count == mask.count else {
            throw ShapeError(message: "ratios (\(ratios.count)), advantages (\(advantages.count)) and mask (\(mask.count)) must have the same length")
        }
        let lo = 1 - clip.low, hi = 1 + clip.high
        var total: Float = 0
        var count = 0
        var clipped = 0
        var selected = [Bool](repeating: false, count: ratios.count)
        for i in ratios.indices where mask[i] {
            let rho = ratios[i], a = advantages[i]
            let unclipped = rho * a
            let clippedTerm = min(max(rho, lo), hi) * a
            if unclipped <= clippedTerm {
                total += unclipped
                selected[i] = true
            } else {
                total += clippedTerm
                clipped += 1
            }
            count += 1
        }
        guard count > 0 else {
            return Surrogate(loss: 0, gradient: [Float](repeating: 0, count: ratios.count), clippedTokens: 0, tokens: 0)
        }
        let n = Float(count)
        let gradient = ratios.indices.map { selected[$0] ? -advantages[$0] / n : 0 }
        return Surrogate(loss: -total / n, gradient: gradient, clippedTokens: clipped, tokens: count)
    }
}
