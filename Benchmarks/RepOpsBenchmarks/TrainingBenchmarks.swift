import BenchmarkSupport
import RepOps

/// Training and generation throughput of small GPTs (Docs/Benchmarks.md, "RepOps").
/// `train_step_*`: one full step (forward, backward, clip, AdamW) on 4 × 64 tokens; ours = tracing
/// off, baseline = tracing on (every op's output digested — in the background — and sent to a
/// sink), so the ratio is 1 + the tracing cost (target ≤ 1.15); `_inline_digests`: the same with
/// digests computed on the training thread. `generate_kv_*`: 32 greedy tokens after an 8-token prompt with the KV cache; the
/// baseline recomputes the whole prefix for every token.
enum TrainingBenchmarks {
    /// A sink that only consumes digests, as a streaming commitment would.
    final class DigestSink: TraceSink {
        var fold: UInt8 = 0
        func record(_ record: TraceRecord) { fold ^= record.outputDigest[0] }
    }

    static func all() -> [Benchmark] {
        let corpus = ByteTokenizer().encode(TinyCorpus.text)
        let sizes: [(String, GPTConfig)] = [
            ("1M", GPTConfig(vocabulary: 256, context: 64, width: 128, heads: 4, layers: 4)),
            ("10M", GPTConfig(vocabulary: 256, context: 64, width: 256, heads: 8, layers: 12)),
        ]
        var out: [Benchmark] = []
        for (label, config) in sizes {
            guard let trainer = try? GPTTrainer(config: config, corpus: corpus, seed: 1, batchSize: 4) else { continue }
            out.append(Benchmark(
                name: "train_step_\(label)", unit: "tokens/s", work: Double(4 * config.context),
                ours: { var t = trainer; blackHole(try! t.step()) },
                baseline: { var t = trainer; let sink = DigestSink(); blackHole(try! t.step(traceSink: sink)); blackHole(sink.fold) }))
            // The same with every digest computed inline on the training thread (session 2's first design).
            out.append(Benchmark(
                name: "train_step_\(label)_inline_digests", unit: "tokens/s", work: Double(4 * config.context),
                ours: { var t = trainer; blackHole(try! t.step()) },
                baseline: {
                    var t = trainer
                    let sink = DigestSink()
                    blackHole(try! t.step(traceSink: sink, digestsInBackground: false))
                    blackHole(sink.fold)
                }))
        }
        // The trace digest (multi-lane Keccak tree on the pool) vs the plain single-stream digest.
        for (label, count) in [("128K", 32 * 1024), ("4M", 1024 * 1024)] {
            guard let t = try? Tensor.randomNormal(shape: [count], seed: 3) else { continue }
            out.append(Benchmark(
                name: "trace_digest_\(label)", unit: "MB/s", work: Double(4 * count) / 1e6,
                ours: { blackHole(t.traceDigest) }, baseline: { blackHole(t.digest) }))
        }
        for (label, config) in sizes {
            guard let trainer = try? GPTTrainer(config: config, corpus: corpus, seed: 1) else { continue }
            let model = trainer.model, params = trainer.parameters
            let prompt = Array(corpus.prefix(8))
            out.append(Benchmark(
                name: "generate_kv_\(label)", unit: "tokens/s", work: 32,
                ours: { blackHole(try! model.generate(params, prompt: prompt, maxNewTokens: 32)) },
                baseline: {
                    var tokens = prompt
                    for _ in 0..<32 {
                        let tape = Tape()
                        params.register(on: tape)
                        let logits = try! tape.value(model.logits(tape, [tokens]))
                        tokens.append(try! logits.slice(axis: 0, (tokens.count - 1)..<tokens.count).argmax()[0])
                    }
                    blackHole(tokens)
                }))
        }
        return out
    }
}
