import RepOps
import Testing

/// Seeded test inputs (a 64-bit LCG, independent of the library's Philox streams).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }

    /// Uniform Int in range.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int((next() >> 33) % UInt64(range.count))
    }

    /// Values in roughly [-scale, scale] with 3 decimal digits of variety.
    mutating func float(scale: Float = 1) -> Float {
        Float(Int64(bitPattern: next() >> 11) % 2_000_001 - 1_000_000) / 1_000_000 * scale
    }

    mutating func floats(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in float(scale: scale) } }

    mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor {
        try! Tensor(shape: shape, scalars: floats(shape.reduce(1, *), scale: scale))
    }
}

/// Units in the last place of `x` (for tolerances relative to fp32 spacing).
func ulp(_ x: Double) -> Double { Double(Float(abs(x)).ulp) }

/// Expects `body` to throw a ``RepOpsError`` with `code`.
func expectError(_ code: RepOpsError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as RepOpsError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a RepOpsError, got \(error)", sourceLocation: sourceLocation)
    }
}
