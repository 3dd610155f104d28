// gensyn-repops train: trains a tiny GPT on the bundled corpus, deterministically.
import BenchmarkSupport
import RepOps

#if canImport(Glibc)
import Glibc
#endif

/// Loss curve as a small standalone SVG (polyline, axes labels).
func lossCurveSVG(_ losses: [Float]) -> String {
    let w = 640.0, h = 360.0, pad = 40.0
    let hi = Double(losses.max() ?? 1), lo = Double(losses.min() ?? 0)
    let span = max(hi - lo, 1e-6)
    let points = losses.enumerated().map { i, l in
        let x = pad + (w - 2 * pad) * Double(i) / Double(max(1, losses.count - 1))
        let y = pad + (h - 2 * pad) * (hi - Double(l)) / span
        return "\(Int(x.rounded())),\(Int(y.rounded()))"
    }.joined(separator: " ")
    return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(pad))" y="24" font-family="sans-serif" font-size="14">training loss (\(losses.count) steps): \(hi) → \(losses.last ?? 0)</text>
        <line x1="\(Int(pad))" y1="\(Int(h - pad))" x2="\(Int(w - pad))" y2="\(Int(h - pad))" stroke="black"/>
        <line x1="\(Int(pad))" y1="\(Int(pad))" x2="\(Int(pad))" y2="\(Int(h - pad))" stroke="black"/>
        <polyline fill="none" stroke="steelblue" stroke-width="2" points="\(points)"/>
        </svg>

        """
}

func runTrain(_ args: [String]) {
    var steps = 200, json = false, out = "repops-train.ckpt"
    var tracePath: String?
    var i = 0
    while i < args.count {
        switch args[i] {
        case "--json": json = true
        case "--steps":
            i += 1
            guard i < args.count, let n = Int(args[i]), n >= 1, n <= 1_000_000 else { fail("train: --steps needs an integer in 1...1000000") }
            steps = n
        case "--out":
            i += 1
            guard i < args.count else { fail("train: --out needs a file path") }
            out = args[i]
        case "--trace":
            i += 1
            guard i < args.count else { fail("train: --trace needs a file path") }
            tracePath = args[i]
        default:
            fail("train: unknown option '\(args[i])'\n\(usage)")
        }
        i += 1
    }
    for w in RepOps.environmentWarnings { writeStandardError("warning: \(w)\n") }
    let config = GPTConfig(vocabulary: 256, context: 32, width: 32, heads: 4, layers: 2)
    do {
        var trainer = try GPTTrainer(
            config: config, corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 1, batchSize: 8,
            schedule: WarmupCosineSchedule(peak: 1e-2, minimum: 1e-3, warmupSteps: min(20, steps / 10), totalSteps: steps))
        var losses: [Float] = []
        // With --trace, every op of every step streams to the trace file (records without values).
        let trace: TraceFileWriter? = try tracePath.map { try TraceFileWriter(path: $0) }
        for s in 0..<steps {
            trace?.step = s
            losses.append(try trainer.step(traceSink: trace))
            let done = (s + 1) * 30 / steps
            writeStandardError("\r[\(String(repeating: "#", count: done))\(String(repeating: ".", count: 30 - done))] step \(s + 1)/\(steps) loss \(losses.last!)")
        }
        writeStandardError("\n")
        try trace?.finish()
        let checkpoint = Checkpoint(trainer)
        try checkpoint.save(to: out)
        let svg = out + ".loss.svg"
        guard let f = fopen(svg, "w") else { fail("train: cannot write \(svg)") }
        fputs(lossCurveSVG(losses), f)
        fclose(f)
        let digest = checkpoint.digestHex
        if json {
            let traceJSON = trace.map { "\"trace\": \(jsonString($0.path)), \"trace_records\": \($0.count), " } ?? ""
            print("{\"steps\": \(steps), \"final_loss\": \(losses.last!), \"first_loss\": \(losses[0]), \"parameters\": \(trainer.parameters.scalarCount), \"threads\": \(RepOps.threads), \"isa\": \(jsonString(RepOps.isa.rawValue)), \"checkpoint\": \(jsonString(out)), \"loss_curve\": \(jsonString(svg)), \(traceJSON)\"checkpoint_digest\": \(jsonString(digest))}")
        } else {
            print("trained \(steps) steps (\(trainer.parameters.scalarCount) parameters): loss \(losses[0]) → \(losses.last!)")
            print("checkpoint \(out), loss curve \(svg)")
            if let trace, let tracePath { print("trace \(tracePath): \(trace.count) records") }
            print("checkpoint digest \(digest)")
        }
    } catch {
        fail("train: \(error)")
    }
}
