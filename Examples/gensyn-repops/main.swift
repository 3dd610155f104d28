// gensyn-repops: the RepOps example.
//   digest [--json]   the canonical workload's per-op digests (identical for every
//                     REPOPS_THREADS and REPOPS_ISA)
//   bench [--json] …  RepOps benchmarks vs OpenBLAS/glibc (BenchmarkCommand options)
//   train [--steps N] [--trace FILE] [--json]  tiny GPT on the bundled corpus; checkpoint digest
//   trace-show FILE [--records]  summary (or every record) of a trace file
//   math <fn>         fp32 bit patterns in, results out (one per line)
import BenchmarkSupport
import GensynPrimitives
import RepOps
import RepOpsBenchmarks

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    writeStandardError("gensyn-repops: \(message)\n")
    exit(2)
}

let usage = """
    usage: gensyn-repops digest [--json]
           gensyn-repops bench [--json] [--out FILE] [--filter TEXT] [--quick]
           gensyn-repops train [--steps N] [--out FILE] [--trace FILE] [--json]
           gensyn-repops trace-show FILE [--records]
           gensyn-repops math <fn>   (exp, log, tanh, erf, sigmoid, sqrt, rsqrt, gelu, gelu_tanh, silu)
    environment: REPOPS_THREADS=n (1...64), REPOPS_ISA=portable|avx2 — speed only, never results
    """

func jsonString(_ s: String) -> String { JSONText.quoted(s) }

func runDigest(_ args: [String]) {
    var json = false
    for a in args {
        guard a == "--json" else { fail("digest: unknown option '\(a)'\n\(usage)") }
        json = true
    }
    for w in RepOps.environmentWarnings { writeStandardError("warning: \(w)\n") }
    let entries: [CanonicalWorkload.Entry]
    do {
        entries = try CanonicalWorkload.run { writeStandardError("  \($0)\n") }
    } catch {
        fail("workload failed: \(error)")
    }
    let all = CanonicalWorkload.combinedDigestHex(entries)
    if json {
        let ops = entries.map { "\(jsonString($0.name)): \(jsonString($0.digestHex))" }.joined(separator: ", ")
        print("{\"threads\": \(RepOps.threads), \"isa\": \(jsonString(RepOps.isa.rawValue)), \"ops\": {\(ops)}, \"digest\": \(jsonString(all))}")
    } else {
        print("threads \(RepOps.threads), isa \(RepOps.isa.rawValue)")
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(1, 28 - s.count)) }
        for e in entries { print(pad(e.name) + e.digestHex) }
        print(pad("digest") + all)
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "digest":
    runDigest(Array(arguments.dropFirst()))
case "bench":
    do {
        try BenchmarkCommand(arguments: Array(arguments.dropFirst())).run(RepOpsBenchmarks.all())
    } catch {
        fail("\(error)")
    }
case "train":
    runTrain(Array(arguments.dropFirst()))
case "trace-show":
    runTraceShow(Array(arguments.dropFirst()))
case "math":
    // Reads 8-hex-digit fp32 bit patterns per line on stdin, writes result bit patterns.
    guard arguments.count == 2 else { fail("usage: gensyn-repops math <fn>  (exp, log, tanh, erf, sigmoid, sqrt, rsqrt, gelu, gelu_tanh, silu)") }
    do {
        try RepOpsMath.runBitPatternFilter(
            function: arguments[1], lines: AnySequence { AnyIterator { readLine() } }, output: { print($0) })
    } catch {
        fail("math: \(error)")
    }
case "-h", "--help", "help":
    print(usage)
default:
    fail(usage)
}
