import BenchmarkSupport
import RepOps
import Verde

/// Every Verde benchmark, run by `gensyn-bench`.
public enum VerdeBenchmarks {
    public static func all() -> [Benchmark] {
        MerkleBenchmarks.all() + [DisputeBenchmarks.refereeVersusJob(steps: 1024), ] + GPTRefereeBenchmark.all()
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
///
/// Ours is always the referee's whole work in one dispute, replayed from a recorded transcript
/// into a fresh referee with a fresh store holding the parties' (unhashed) uploads: every round's
/// node and proof checks, hashing the disputed op's inputs once against the committed digests,
/// the one op re-executed with RepOps, and its output hashed. Baseline: one untraced training
/// step of the same model from the same state.
enum GPTRefereeBenchmark {
    /// One recorded dispute.
    struct Dispute: Sendable {
        let job: JobSpec
        let roots: (Digest, Digest)
        let referee: GPTReexecutor
        let transcript: [(PartyMessage?, PartyMessage?)]
        /// What both parties filed for the disputed op, with the digests they claimed.
        let uploads: [(Tensor, Digest)]

        init(training: GPTJob, honest: GPTTraceSource, cheater: GPTTraceSource, referee: GPTReexecutor) {
            self.referee = referee
            job = honest.job
            roots = (honest.commitment.root, cheater.commitment.root)
            let store = TensorStore()
            var r = DisputeReferee(job: job, rootA: roots.0, rootB: roots.1, timeout: 4, reexecutor: referee.reading(from: store))
            var responders = [DisputeResponder(source: honest), DisputeResponder(source: cheater)]
            let sources: [GPTTraceSource] = [honest, cheater]
            var transcript: [(PartyMessage?, PartyMessage?)] = [], uploads: [(Tensor, Digest)] = []
            var actions = r.start(now: 0)
            var now: UInt64 = 0
            while case .send(let question, _)? = actions.first {
                var answers: [PartyMessage?] = []
                for i in 0..<2 {
                    let answer = responders[i].respond(to: question)
                    if case .openOp(_, let step, let op) = question, case .evidence(_, let evidence)? = answer {
                        let staging = TensorStore()
                        _ = try? sources[i].uploadInputs(step: step, op: op, to: staging)
                        for opening in evidence.inputs {
                            let d: Digest
                            switch opening {
                            case .op(let o): d = o.record.outputDigest
                            case .tensor(let t): d = t.tensor.digest
                            }
                            if let t = try? staging.tensor(d) {
                                uploads.append((t, d))
                                store.put(t, claiming: d)
                            }
                        }
                    }
                    answers.append(answer)
                }
                transcript.append((answers[0], answers[1]))
                now += 1
                actions = r.receive(answers[0]!, from: .a, now: now) + r.receive(answers[1]!, from: .b, now: now)
            }
            guard case .rule(let verdict)? = actions.first, verdict.winner == .a else {
                fatalError("the recorded dispute did not rule for the honest party: \(actions)")
            }
            self.transcript = transcript
            self.uploads = uploads
        }

        /// The referee's whole work, from a fresh store.
        func replay() {
            let store = TensorStore()
            for (t, d) in uploads { store.put(t, claiming: d) }
            var r = DisputeReferee(job: job, rootA: roots.0, rootB: roots.1, timeout: 4, reexecutor: referee.reading(from: store))
            var out = r.start(now: 0)
            for (i, (a, b)) in transcript.enumerated() {
                out = r.receive(a!, from: .a, now: UInt64(i + 1)) + r.receive(b!, from: .b, now: UInt64(i + 1))
            }
            blackHole(out)
        }
    }

    /// A 16-step job (width 64, context 32, 2 layers, batch 4), a cheater flipping one bit at step 9.
    struct Small: Sendable {
        let dispute: Dispute
        let trainer: GPTTrainer

        init() {
            let training = GPTJob(
                config: GPTConfig(vocabulary: 256, context: 32, width: 64, heads: 4, layers: 2),
                corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 5, batchSize: 4, steps: 16)
            dispute = Dispute(
                training: training, honest: try! GPTTraceSource(job: training),
                cheater: try! GPTTraceSource(job: training, fault: .bitflip(step: 9, op: 30)), referee: try! GPTReexecutor(job: training))
            var t = try! training.trainer()
            for _ in 0..<8 { try! t.step() }
            trainer = t
        }
    }

    static let small = Small()

    /// The referee against one step, per op: a 2-step job of one of RepOps' training-benchmark
    /// models (batch 4 × context 64). Every op of step 2 is re-executed by the referee (inputs
    /// uploaded, hashed, op, output hashed; best of two) to find the slowest op and the median
    /// one; for each of the two a cheater lies about that op's output at step 2 and the dispute
    /// is recorded. Per-kind times go to stderr.
    struct PerOp: Sendable {
        let worst: Dispute
        let median: Dispute
        let trainer: GPTTrainer

        init(label: String, config: GPTConfig) {
            let training = GPTJob(config: config, corpus: ByteTokenizer().encode(TinyCorpus.text), seed: 5, batchSize: 4, steps: 2)
            let honest = try! GPTTraceSource(job: training)
            let referee = try! GPTReexecutor(job: training)
            let step = 2
            let trace = try! honest.trace(step: step)
            var committed: [String: Digest] = [:]
            for t in try! honest.checkpoint(after: step - 1).tensors { committed[t.name] = t.digest }
            let clock = ContinuousClock()
            func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
            var times: [(op: Int, kind: String, seconds: Double)] = []
            for record in trace.ops {
                let inputs = record.inputs.map { input -> Digest in
                    switch input {
                    case .op(let j): trace.ops[j].outputDigest
                    case .checkpoint(let name): committed[name] ?? .zero
                    }
                }
                var best = Double.infinity
                for _ in 0..<2 {
                    let store = TensorStore()
                    _ = try! honest.uploadInputs(step: step, op: record.index, to: store)
                    let r = referee.reading(from: store)
                    let start = clock.now
                    let out = try! r.reexecute(record, inputs: inputs, step: step, job: honest.job)
                    best = min(best, seconds(clock.now - start))
                    precondition(out == record.outputDigest, "\(label): op \(record.index) \(record.kind) did not reproduce")
                }
                times.append((record.index, record.kind, best))
            }
            var t = try! training.trainer()
            try! t.step()
            trainer = t
            var stepSeconds = Double.infinity
            for _ in 0..<2 {
                var u = t
                let start = clock.now
                _ = try! u.step()
                stepSeconds = min(stepSeconds, seconds(clock.now - start))
            }
            let sorted = times.sorted { $0.seconds < $1.seconds }
            let worstOp = sorted.last!, medianOp = sorted[sorted.count / 2]
            var report = "verde per-op referee \(label) (\(times.count) ops, one step ≈ \(GPTRefereeBenchmark.fixed(stepSeconds * 1e3, 2)) ms): "
            report += "max \(GPTRefereeBenchmark.fixed(worstOp.seconds * 1e3, 3)) ms (#\(worstOp.op) \(worstOp.kind)), "
            report += "median \(GPTRefereeBenchmark.fixed(medianOp.seconds * 1e3, 3)) ms (#\(medianOp.op) \(medianOp.kind))\n"
            // Of an op's time, hashing: its inputs (each once) and a tensor of its output's size.
            func hashing(_ op: Int) -> Double {
                let record = trace.ops[op]
                let store = TensorStore()
                _ = try! honest.uploadInputs(step: step, op: record.index, to: store)
                let values = record.inputs.compactMap { input -> Tensor? in
                    switch input {
                    case .op(let j): try? store.tensor(trace.ops[j].outputDigest)
                    case .checkpoint(let name): committed[name].flatMap { try? store.tensor($0) }
                    }
                }
                let output = (try? Tensor(shape: record.outputShape, repeating: 0)) ?? Tensor(scalar: 0)
                var best = Double.infinity
                for _ in 0..<3 {
                    let start = clock.now
                    for v in values { blackHole(Digest(trace: v)) }
                    if record.kind != OpRecord.checkpointKind { blackHole(Digest(trace: output)) }
                    best = min(best, seconds(clock.now - start))
                }
                return best
            }
            report += "  median op: hashing \(GPTRefereeBenchmark.fixed(hashing(medianOp.op) * 1e3, 3)) ms of it\n"
            var byKind: [String: [Double]] = [:]
            for t in times { byKind[t.kind, default: []].append(t.seconds) }
            for (kind, ts) in byKind.sorted(by: { $0.value.max()! > $1.value.max()! }).prefix(12) {
                let share = ts.max()! / stepSeconds * 100
                report += "  \(kind): \(ts.count) ops, max \(GPTRefereeBenchmark.fixed(ts.max()! * 1e3, 3)) ms = \(GPTRefereeBenchmark.fixed(share, 2)) % of a step"
                if share > 1, let slowest = times.filter({ $0.kind == kind }).max(by: { $0.seconds < $1.seconds }) {
                    let h = hashing(slowest.op)
                    report += " (hashing \(GPTRefereeBenchmark.fixed(h * 1e3, 3)) ms; op alone \(GPTRefereeBenchmark.fixed((slowest.seconds - h) / stepSeconds * 100, 2)) %)"
                }
                report += "\n"
            }
            let over = times.filter { $0.seconds > stepSeconds / 100 }
            report += "  ops over 1 % of a step: \(over.count) (\(Set(over.map(\.kind)).sorted().joined(separator: ", ")))\n"
            writeStandardError(report)
            func dispute(_ op: Int) -> Dispute {
                Dispute(training: training, honest: honest, cheater: try! GPTTraceSource(job: training, fault: .lie(step: step, op: op)),
                        referee: referee)
            }
            worst = dispute(worstOp.op)
            median = dispute(medianOp.op)
        }
    }

    /// `x` with `digits` decimals.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let v = (x * scale).rounded() / scale
        return "\(v)"
    }

    static let w64 = PerOp(label: "w64_l2", config: GPTConfig(vocabulary: 256, context: 64, width: 64, heads: 4, layers: 2))
    static let m1 = PerOp(label: "1M", config: GPTConfig(vocabulary: 256, context: 64, width: 128, heads: 4, layers: 4))
    static let m10 = PerOp(label: "10M", config: GPTConfig(vocabulary: 256, context: 64, width: 256, heads: 8, layers: 12))

    static func all() -> [Benchmark] {
        var out = [Benchmark(
            name: "referee_vs_gpt_step_w64_l2", unit: "ms", work: 1000, lowerIsBetter: true,
            ours: { small.dispute.replay() },
            baseline: { var t = small.trainer; blackHole(try! t.step()) })]
        let sizes: [(String, @Sendable () -> PerOp)] = [("w64_l2_ctx64", { w64 }), ("1M", { m1 }), ("10M", { m10 })]
        for (label, setup) in sizes {
            for worst in [true, false] {
                out.append(Benchmark(
                    name: "referee_\(worst ? "worst" : "median")_op_vs_gpt_step_\(label)", unit: "ms", work: 1000, lowerIsBetter: true,
                    ours: { (worst ? setup().worst : setup().median).replay() },
                    baseline: { var t = setup().trainer; blackHole(try! t.step()) }))
            }
        }
        return out
    }
}
