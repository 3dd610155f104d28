/// Linear warm-up then cosine decay (Docs/RepOps.md, "Optimizers"). For step s (0-based):
/// `s < warmup`: `peak · Float(s + 1) / Float(warmup)`; else `progress = min(1, (s − warmup) / max(1, total − warmup))`
/// (Double) and `lr = minimum + (peak − minimum) · Float(0.5 · (1 + cosπ(progress)))`, where `cosπ`
/// is RepOps' own Double polynomial (never libm), so every platform gets the same rate.
public struct WarmupCosineSchedule: Sendable, Equatable {
    /// Peak and final learning rates.
    public var peak: Float, minimum: Float
    /// Warm-up and total steps.
    public var warmupSteps: Int, totalSteps: Int

    /// A schedule.
    public init(peak: Float, minimum: Float = 0, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.minimum = minimum
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = max(0, totalSteps)
    }

    /// The rate for 0-based `step`.
    public func learningRate(step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let progress = min(1, Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps)))
        return minimum + (peak - minimum) * Float(0.5 * (1 + WarmupCosineSchedule.cosPi(progress)))
    }

    /// cos(π·p) for p in [0, 1]: reduce to y = π·min(p, 1−p) ∈ [0, π/2] (sign flips for p > ½),
    /// then the Taylor series to y²⁶ by Horner's rule (error < 1e-17), using only + − × ÷.
    package static func cosPi(_ p: Double) -> Double {
        let flip = p > 0.5
        let y = Double.pi * (flip ? 1 - p : p)
        let y2 = y * y
        var acc = 1.0
        for k in stride(from: 13, through: 1, by: -1) {
            acc = 1 - y2 / Double((2 * k) * (2 * k - 1)) * acc
        }
        return flip ? -acc : acc
    }
}
