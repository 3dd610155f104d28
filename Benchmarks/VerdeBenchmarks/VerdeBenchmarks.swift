import BenchmarkSupport
import RepOps
import Verde

/// Every Verde benchmark, run by `gensyn-bench`.
public enum VerdeBenchmarks {
    public static func all() -> [Benchmark] {
        MerkleBenchmarks.all() + [DisputeBenchmarks.refereeVersusJob(steps: 1024), GPTRefereeBenchmark.refereeVersusStep()]
    }
}

/// Merkle roots against the lower bound of any commitment: one Keccak-256 pass over all the
/// leaf bytes (no tree, no proofs possible).
enum MerkleBenchmarks {
    static func all() -> [Benchmark] {
        var out: [Benchmark] = []
        for n in [1024, 65536] {
            // Root over already-hashed leaves (a job tree over step commitments, a trace tree).
            let hashes = (0..<n).map { Digest.keccak(withUnsafeBytes(of: UInt64($0)) { Array($0) }) }
            let flat = hashes.flatMap(\.bytes)
            out.append(Benchmark(
                name: "merkle_root_digests_n\(n)", unit: "Mleaves/s", work: Double(n) / 1e6,
                ours: { blackHole(MerkleTree.root(ofLeafHashes: hashes)) },
                baseline: { blackHole(flat.withUnsafeBytes { Digest.keccak($0) }) }))
        }
        // Whole tree with proofs kept, from 96-byte leaves (a checkpoint's name + digest).
        let n = 16384
        let leaves = (0..<n).map { NamedTensor(name: "layers.\($0).weight", digest: .keccak([UInt8($0 & 255)])).encoded }
        let flat = leaves.flatMap { $0 }
        out.append(Benchmark(
            name: "merkle_tree_leaves96B_n\(n)", unit: "Mleaves/s", work: Double(n) / 1e6,
            ours: { blackHole(MerkleTree(leaves: leaves).root) },
            baseline: { blackHole(flat.withUnsafeBytes { Digest.keccak($0) }) }))
        return out
    }
}

/// The referee's side of Verde against what a referee without it would do: re-run the job.
enum DisputeBenchmarks {
    /// Ours: a whole dispute over a `steps`-step synthetic job (referee and both responders, in
    /// memory); baseline: re-executing the job once (the synthetic trainer). Lower is better (ms).
    static func refereeVersusJob(steps: Int) -> Benchmark {
        let model = SyntheticModel(parameterCount: 8)
        let job = try! model.job(steps: steps, seed: 42)
        let honest = try! SyntheticTrainer(job: job)
        let cheater = try! SyntheticTrainer(job: job, fault: .bitflip(step: steps / 2 + 1, op: 5))
        return Benchmark(
            name: "dispute_vs_rerun_steps\(steps)", unit: "ms", work: 1000, lowerIsBetter: true,
            ours: { blackHole(LocalDispute.run(job: job, a: honest, b: cheater, reexecutor: SyntheticReexecutor()).rounds) },
            baseline: { blackHole(try! SyntheticTrainer(job: job).commitment.root) })
    }
}

/// The referee on real RepOps GPT training against one training step of the same model.
enum GPTRefereeBenchmark {
    /// A 16-step job (width 64, context 32, 2 layers, batch 4), a cheater flipping one bit at step 9,
    /// and the dispute's transcript: each round's two answers, replayed into a fresh referee.
    struct Setup: Sendable {
        let job: JobSpec
        let roots: (Digest, Digest)
        let referee: GPTReexecutor
        let transcript: [(PartyMessage?, PartyMessage?)]
        let trainer: GPTTrainer

        init() {
            let training = GPTJob(
                config: GPTConfig(vocabulary: 256, context: 32, width: 64, heads: 4, layers: 2),
                corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 5, batchSize: 4, steps: 16)
            let honest = try! GPTTraceSource(job: training)
            let cheater = try! GPTTraceSource(job: training, fault: .bitflip(step: 9, op: 30))
            referee = try! GPTReexecutor(job: training)
            job = honest.job
            roots = (honest.commitment.root, cheater.commitment.root)
            var r = DisputeReferee(job: job, rootA: roots.0, rootB: roots.1, timeout: 4, reexecutor: referee)
            var responders = [DisputeResponder(source: honest), DisputeResponder(source: cheater)]
            let sources: [any TensorUploading] = [honest, cheater]
            var transcript: [(PartyMessage?, PartyMessage?)] = []
            var actions = r.start(now: 0)
            var now: UInt64 = 0
            while case .send(let question, _)? = actions.first {
                var answers: [PartyMessage?] = []
                for i in 0..<2 {
                    if case .openOp(_, let step, let op) = question {
                        _ = try? sources[i].uploadInputs(step: step, op: op, to: referee.store)
                    }
                    answers.append(responders[i].respond(to: question))
                }
                transcript.append((answers[0], answers[1]))
                now += 1
                actions = r.receive(answers[0]!, from: .a, now: now) + r.receive(answers[1]!, from: .b, now: now)
            }
            self.transcript = transcript
            var t = try! training.trainer()
            for _ in 0..<8 { try! t.step() }
            trainer = t
        }
    }

    static let setup = Setup()

    /// Ours: the referee's whole work in one dispute (every round's checks, the proofs and the one
    /// op re-executed per party on uploaded tensors); baseline: one untraced training step.
    static func refereeVersusStep() -> Benchmark {
        Benchmark(
            name: "referee_vs_gpt_step_w64_l2", unit: "ms", work: 1000, lowerIsBetter: true,
            ours: {
                let s = setup
                var r = DisputeReferee(job: s.job, rootA: s.roots.0, rootB: s.roots.1, timeout: 4, reexecutor: s.referee)
                var out = r.start(now: 0)
                for (i, (a, b)) in s.transcript.enumerated() {
                    out = r.receive(a!, from: .a, now: UInt64(i + 1)) + r.receive(b!, from: .b, now: UInt64(i + 1))
                }
                blackHole(out)
            },
            baseline: {
                var t = setup.trainer
                blackHole(try! t.step())
            })
    }
}
