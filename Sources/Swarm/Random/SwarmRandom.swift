/// The deterministic random number generator of Swarm: SplitMix64 (Steele, Lea, Flood 2014).
///
/// Every random choice in Swarm (task generation, rollout sampling, the stand-in policy) goes
/// through this generator, so a seed gives the same bits on every platform and Swift version:
/// the state is a `UInt64` counter advanced by the golden-ratio increment and each output is the
/// counter passed through a fixed 64-bit finaliser. No floating point is involved except in
/// ``nextUnitFloat()``, which is exact (a 24-bit integer times 2⁻²⁴).
///
/// Streams: ``init(seed:stream:)`` derives independent generators from one seed and a stream
/// label (the node, the round, the task index), so adding a draw in one place never shifts the
/// draws of another.
public struct SwarmRandom: RandomNumberGenerator, Sendable, Hashable {
    /// The counter; the next output is `mix(state &+ golden)`.
    public private(set) var state: UInt64

    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator for `stream` derived from `seed`: distinct (seed, stream) pairs give
    /// unrelated sequences.
    public init(seed: UInt64, stream: UInt64) {
        state = SwarmRandom.mix(seed &+ SwarmRandom.mix(stream &+ 0x632B_E59B_D9B4_E019))
    }

    /// A generator for a path of stream labels, e.g. `[round, node, task]`.
    public init(seed: UInt64, streams: [UInt64]) {
        var s = seed
        for label in streams { s = SwarmRandom.mix(s &+ SwarmRandom.mix(label &+ 0x632B_E59B_D9B4_E019)) }
        state = s
    }

    /// SplitMix64's finaliser (variant 13 of Stafford's mixers).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= SwarmRandom.golden
        return SwarmRandom.mix(state)
    }

    /// A uniform integer in `0..<bound` by rejection (no modulo bias). `bound` must be positive;
    /// a non-positive bound returns 0 rather than trapping.
    public mutating func below(_ bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b  // accept draws in [0, limit)
        while true {
            let x = next()
            if x < limit { return Int(x % b) }
        }
    }

    /// A uniform integer in `range` (inclusive).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A fair coin.
    public mutating func bool() -> Bool { next() >> 63 == 1 }

    /// A uniform `Float` in [0, 1) with 24 random bits (exact on every platform).
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A uniformly chosen element, or `nil` for an empty collection.
    public mutating func element<C: RandomAccessCollection>(of items: C) -> C.Element? where C.Index == Int {
        items.isEmpty ? nil : items[items.startIndex + below(items.count)]
    }

    /// A Fisher–Yates shuffle driven by this generator (Swift's own `shuffle(using:)` does not
    /// promise a stable algorithm across versions, so Swarm never uses it).
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = below(i + 1)
            if i != j { items.swapAt(i, j) }
        }
    }

    /// `count` distinct indices from `0..<n`, in draw order (partial Fisher–Yates).
    public mutating func sampleIndices(_ count: Int, from n: Int) -> [Int] {
        let k = max(0, min(count, n))
        var pool = Array(0..<n)
        for i in 0..<k {
            let j = i + below(n - i)
            pool.swapAt(i, j)
        }
        return Array(pool.prefix(k))
    }
}
