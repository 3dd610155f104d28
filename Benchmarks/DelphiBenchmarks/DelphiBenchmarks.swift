import BenchmarkSupport
import Delphi

/// Every Delphi benchmark.
public enum DelphiBenchmarks {
    public static func all() -> [Benchmark] { [] }
}
