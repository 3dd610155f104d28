#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared command-line handling for benchmark executables
/// (`[--json] [--out FILE] [--filter TEXT] [--quick]`).
public struct BenchmarkCommand: Sendable {
    public var json = false
    public var outPath: String?
    public var filter: String?
    public var quick = false

    /// Parses `arguments` (without the program name); unknown options are an error message.
    public init(arguments: [String]) throws(BenchmarkCommandError) {
        var it = arguments.makeIterator()
        while let arg = it.next() {
            switch arg {
            case "--json": json = true
            case "--quick": quick = true
            case "--out":
                guard let v = it.next() else { throw BenchmarkCommandError(message: "--out needs a file path") }
                outPath = v
            case "--filter":
                guard let v = it.next() else { throw BenchmarkCommandError(message: "--filter needs a text") }
                filter = v
            default: throw BenchmarkCommandError(message: "unknown option '\(arg)'; use --json, --out FILE, --filter TEXT, --quick")
            }
        }
    }

    /// Runs the selected benchmarks; prints a table (stderr progress) or, with `--json`, the JSON
    /// array on stdout; writes the JSON to `--out` when given.
    public func run(_ benchmarks: [Benchmark]) throws(BenchmarkCommandError) {
        let selected = benchmarks.filter { filter == nil || $0.name.contains(filter!) }
        let runner = BenchmarkRunner(
            samples: quick ? 3 : 9, minSampleSeconds: quick ? 0.01 : 0.05,
            progress: { result, done, total in
                let line = "[\(done)/\(total)] \(result.name): ours \(BenchmarkReport.format(result.ours)) \(result.unit), "
                    + "baseline \(BenchmarkReport.format(result.baseline)), ratio \(BenchmarkReport.format(result.ratio, digits: 3))\n"
                writeStandardError(line)
            })
        let results = runner.run(selected)
        let json = BenchmarkReport.json(results)
        if self.json { print(json) } else { print(BenchmarkReport.table(results)) }
        if let outPath {
            guard let file = fopen(outPath, "w") else {
                throw BenchmarkCommandError(message: "cannot write \(outPath): \(String(cString: strerror(errno)))")
            }
            fputs(json + "\n", file)
            fclose(file)
        }
    }
}

/// A benchmark command line that could not be used.
public struct BenchmarkCommandError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Writes `text` to file descriptor 2 (the C `stderr` global is not concurrency-safe in Swift 6).
public func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { return }
        offset += n
    }
}
