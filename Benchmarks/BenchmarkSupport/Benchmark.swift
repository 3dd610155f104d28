#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One benchmark: our implementation and a baseline doing the same work, measured in the same
/// process run, interleaved, so machine noise hits both alike.
///
/// Each closure performs one operation of `work` units (flops, bytes, calls …). The harness
/// reports `work / seconds` in `unit` (a throughput, higher is better) unless `lowerIsBetter`.
public struct Benchmark: Sendable {
    public var name: String
    public var unit: String
    public var work: Double
    public var lowerIsBetter: Bool
    public var ours: @Sendable () -> Void
    public var baseline: @Sendable () -> Void

    /// - Parameters:
    ///   - name: stable name used in JSON and Docs (e.g. `gemm_n1024_t1`).
    ///   - unit: unit of the reported number (e.g. `GFLOP/s`, `MB/s`, `ops/s`).
    ///   - work: units of work one call performs, already scaled to `unit` (e.g. 2n³/1e9 for GFLOP/s).
    ///   - lowerIsBetter: report seconds-per-call × `work` instead of a throughput (e.g. `ns/op`).
    public init(
        name: String, unit: String, work: Double, lowerIsBetter: Bool = false,
        ours: @escaping @Sendable () -> Void, baseline: @escaping @Sendable () -> Void
    ) {
        self.name = name
        self.unit = unit
        self.work = work
        self.lowerIsBetter = lowerIsBetter
        self.ours = ours
        self.baseline = baseline
    }
}

/// The measured outcome of one ``Benchmark``.
public struct BenchmarkResult: Sendable, Equatable {
    public var name: String
    public var ours: Double
    public var baseline: Double
    public var unit: String
    /// > 1 means ours is better (faster, or higher throughput).
    public var ratio: Double

    public init(name: String, ours: Double, baseline: Double, unit: String, ratio: Double) {
        self.name = name
        self.ours = ours
        self.baseline = baseline
        self.unit = unit
        self.ratio = ratio
    }
}

/// Keeps the optimizer from deleting work whose result is otherwise unused.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Monotonic time in seconds.
@inlinable
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// A fixed buffer that benchmark closures may capture (`@Sendable`): benchmarks run one at a
/// time, so sharing it is safe. Freed in `deinit`.
public final class BenchBuffer<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public let count: Int

    public init(count: Int, initial: (Int) -> Element) {
        self.count = count
        pointer = .allocate(capacity: max(1, count))
        for i in 0..<count { (pointer + i).initialize(to: initial(i)) }
    }

    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }
}
