// Runs every library's benchmarks: ours and a baseline in the same run, interleaved.
// `gensyn-bench [--json] [--out FILE] [--filter TEXT] [--quick]`
import BenchmarkSupport
import RepOpsBenchmarks
import DelphiBenchmarks
import VerdeBenchmarks
import SignalBenchmarks
import CGensynOpenBLAS

#if canImport(Glibc)
import Glibc
#endif

openblas_set_num_threads(1)

// One line per library.
let benchmarks: [Benchmark] = [
    IntegerBenchmarks.all(),
    RepOpsBenchmarks.all(),
    DelphiBenchmarks.all(),
    VerdeBenchmarks.all(),
    SignalBenchmarks.all(),
].flatMap { $0 }

do {
    let command = try BenchmarkCommand(arguments: Array(CommandLine.arguments.dropFirst()))
    try command.run(benchmarks)
    // Signal's latency percentiles are not throughputs: reported on stderr (Docs/Benchmarks.md).
    if command.filter.map({ "signal_ack".contains($0) || $0.contains("signal_ack") }) ?? true {
        writeStandardError(SignalBenchmarks.latencyReport(count: command.quick ? 400 : 2000).text)
    }
    SignalBenchmarks.cleanUp()
} catch {
    writeStandardError("gensyn-bench: \(error)\n")
    exit(2)
}
