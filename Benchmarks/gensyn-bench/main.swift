// Runs every library's benchmarks: ours and a baseline in the same run, interleaved.
// `gensyn-bench [--json] [--out FILE] [--filter TEXT] [--quick]`
import BenchmarkSupport
import RepOpsBenchmarks
import CGensynOpenBLAS

#if canImport(Glibc)
import Glibc
#endif

openblas_set_num_threads(1)

// One line per library.
let benchmarks: [Benchmark] = [
    IntegerBenchmarks.all(),
    RepOpsBenchmarks.all(),
    SwarmBenchmarks.all(),
].flatMap { $0 }

do {
    try BenchmarkCommand(arguments: Array(CommandLine.arguments.dropFirst())).run(benchmarks)
} catch {
    writeStandardError("gensyn-bench: \(error)\n")
    exit(2)
}
