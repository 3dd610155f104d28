import Foundation
import GensynTestSupport
import RepOps
import Testing
@testable import Verde

/// A small real GPT job, trained once per process (honest) and shared by the tests.
enum SmallGPT {
    static let corpus = ByteTokenizer().encode(TinyCorpus.text)

    static func job(steps: Int, seed: UInt64 = 3, interval: Int = 1) -> GPTJob {
        GPTJob(config: GPTConfig(vocabulary: 256, context: 8, width: 8, heads: 2, layers: 1), corpus: corpus, seed: seed,
               batchSize: 2, steps: steps, checkpointInterval: interval)
    }

    static let steps = 5
    static let training = job(steps: steps)
    static let honest = try! GPTTraceSource(job: training)
    static let referee = try! GPTReexecutor(job: training)
    /// A second referee with its own tensor store, for suites that run beside the serialized one
    /// (which empties `referee.store` between cases).
    static let otherReferee = try! GPTReexecutor(job: training)

    /// Forward op indices of a step (before the gradient seed), and those whose output has their
    /// first input's shape (skippable).
    static func forwardOps(_ trace: StepTrace) -> (all: [Int], skippable: [Int]) {
        let seed = trace.ops.firstIndex { $0.kind == "leaf" } ?? trace.ops.count - 1
        let all = Array(0..<seed)
        let skippable = all.filter { i in
            guard case .op(let j)? = trace.ops[i].inputs.first else { return false }
            return trace.ops[j].outputShape == trace.ops[i].outputShape
        }
        return (all, skippable)
    }
}

@Suite("Verde on RepOps GPT training", .serialized)
struct GPTDisputeTests {
    @Test("every op of real steps re-executes, from uploaded inputs, to the digest the trace recorded")
    func everyOpReplays() throws {
        let source = SmallGPT.honest, referee = SmallGPT.referee
        var kinds = Set<String>()
        for step in [1, 2, SmallGPT.steps] {
            let trace = try source.trace(step: step)
            #expect(trace.ops.count == (try referee.opCount(step: step, job: source.job)))
            for op in trace.ops {
                referee.store.removeAll()
                _ = try source.uploadInputs(step: step, op: op.index, to: referee.store)
                let inputs = try op.inputs.map { input -> Digest in
                    switch input {
                    case .op(let j): return trace.ops[j].outputDigest
                    case .checkpoint(let name): return try source.checkpoint(after: step - 1).opening(named: name).tensor.digest
                    }
                }
                let digest = try referee.reexecute(op, inputs: inputs, step: step, job: source.job)
                #expect(digest == op.outputDigest, "step \(step) op \(op.index) \(op.kind)")
                kinds.insert(op.kind)
            }
            #expect(trace.checkpoint == (try source.checkpoint(after: step).root))
        }
        // Forward, backward (every slot of a matmul's gradient: inputs, weights, bias), clipping,
        // AdamW and the checkpoint all went through the referee.
        for kind in ["matmul", "embedding", "crossEntropy", "vjp.matmul.0", "vjp.matmul.1", "vjp.matmul.2",
                     "vjp.embedding.0", "gradSum", "globalNorm",
                     "clip", "adamw.m", "adamw.v", "adamw.p", OpRecord.checkpointKind] {
            #expect(kinds.contains(kind), "\(kind)")
        }
    }

    @Test("the referee rejects a record that is not the program's op (other batch, other rate, other inputs)")
    func programCheck() throws {
        let source = SmallGPT.honest, referee = SmallGPT.referee
        let trace = try source.trace(step: 2)
        let other = try source.trace(step: 3)
        for i in trace.ops.indices where trace.ops[i].attributes != other.ops[i].attributes {
            var moved = other.ops[i]
            moved.outputDigest = trace.ops[i].outputDigest
            #expect(throws: VerdeError.self) {
                try referee.reexecute(moved, inputs: Array(repeating: .zero, count: moved.inputs.count), step: 2, job: source.job)
            }
        }
        var rewired = trace.ops[5]
        rewired.inputs = rewired.inputs.map { _ in .op(0) }
        if rewired != trace.ops[5] {
            #expect(throws: VerdeError.self) {
                try referee.reexecute(rewired, inputs: Array(repeating: .zero, count: rewired.inputs.count), step: 2, job: source.job)
            }
        }
        // A missing input tensor is an error, not a guess.
        referee.store.removeAll()
        let matmul = trace.ops.first { $0.kind == "matmul" }!
        #expect(throws: VerdeError.self) {
            try referee.reexecute(matmul, inputs: Array(repeating: Digest.keccak([1]), count: matmul.inputs.count), step: 2,
                                  job: source.job)
        }
    }

    @Test("a party keeping full states every 2 or 3 steps replays any step bit for bit")
    func checkpointInterval() throws {
        for interval in [2, 3] {
            let sparse = try GPTTraceSource(job: SmallGPT.job(steps: SmallGPT.steps, interval: interval))
            #expect(sparse.commitment.root == SmallGPT.honest.commitment.root)
            for step in [2, 4, 5] {
                #expect(try sparse.trace(step: step).ops == SmallGPT.honest.trace(step: step).ops, "interval \(interval) step \(step)")
            }
        }
    }

    @Test("a job reads back from its published spec and corpus; another corpus is refused")
    func specRoundTrip() throws {
        for evaluation in [false, true] {
            var job = SmallGPT.job(steps: 4, seed: 8, interval: 2)
            job.evaluation = evaluation
            let spec = try job.spec()
            let back = try GPTJob(spec: spec, corpus: SmallGPT.corpus)
            #expect(try back.spec() == spec && back.evaluation == evaluation && back.batchSize == job.batchSize)
            #expect(throws: VerdeError.self) { try GPTJob(spec: spec, corpus: Array(SmallGPT.corpus.dropFirst())) }
        }
        #expect(throws: VerdeError.self) { try GPTJob(spec: SyntheticModel().job(steps: 2, seed: 1), corpus: SmallGPT.corpus) }
    }

    @Test("a job RepOps cannot run is a typed error, not a crash")
    func invalidJobs() throws {
        var outside = SmallGPT.job(steps: 2)
        outside.corpus[3] = 300  // beyond the vocabulary
        #expect(throws: VerdeError.self) { try GPTTraceSource(job: outside) }
        var short = SmallGPT.job(steps: 2)
        short.corpus = Array(short.corpus.prefix(4))  // not more than `context` tokens
        #expect(throws: VerdeError.self) { try GPTReexecutor(job: short) }
        var zero = SmallGPT.job(steps: 0)
        zero.steps = 0
        #expect(throws: VerdeError.self) { try zero.spec() }
        // A re-executor serves only its own job.
        let other = try SmallGPT.job(steps: SmallGPT.steps, seed: 99).spec()
        #expect(throws: VerdeError.self) { try SmallGPT.referee.opCount(step: 1, job: other) }
    }

    @Test("honest trainers on 1 or 2 threads and the portable or AVX2 path commit identically: no dispute")
    func threadsAndISAs() throws {
        let (threads, isa) = (RepOps.threads, RepOps.isa)
        defer { RepOps.threads = threads; try? RepOps.select(isa) }
        let job = SmallGPT.job(steps: 3, seed: 11)
        var roots: [Digest] = []
        var sources: [GPTTraceSource] = []
        for (n, path) in [(1, RepOps.ISA.portable), (2, RepOps.bestISA), (2, .portable), (1, RepOps.bestISA)] {
            RepOps.threads = n
            try RepOps.select(path)
            let source = try GPTTraceSource(job: job)
            roots.append(source.commitment.root)
            sources.append(source)
        }
        #expect(Set(roots).count == 1)
        let outcome = LocalDispute.run(job: sources[0].job, a: sources[0], b: sources[1], reexecutor: try GPTReexecutor(job: job))
        #expect(outcome.verdict.reason == .noDispute && outcome.verdict.winner == nil && outcome.rounds == 0)
    }

    /// Runs the dispute both ways round and checks the honest party wins at the true first divergence.
    func check(_ fault: GPTFault, silentFrom round: Int? = nil) throws {
        let honest = SmallGPT.honest, referee = SmallGPT.referee
        let cheater = try GPTTraceSource(job: SmallGPT.training, fault: fault)
        let truth = try LocalDispute.firstDivergence(honest, cheater)
        guard let truth else {
            // The fault changed nothing (e.g. a skipped op equal to its input): no dispute.
            let outcome = LocalDispute.run(job: honest.job, a: honest, b: cheater, reexecutor: referee, store: referee.store)
            #expect(outcome.verdict.reason == .noDispute, "\(fault)")
            return
        }
        #expect(truth.step == fault.step, "\(fault)")
        for honestSide in Disputant.allCases {
            referee.store.removeAll()
            let (a, b): (GPTTraceSource, GPTTraceSource) = honestSide == .a ? (honest, cheater) : (cheater, honest)
            var behaviors: [Disputant: PartyBehavior] = [:]
            if let round { behaviors[honestSide.other] = .silent(fromRound: round) }
            let outcome = LocalDispute.run(job: honest.job, a: a, b: b, behaviors: behaviors, reexecutor: referee, store: referee.store)
            #expect(outcome.verdict.winner == honestSide, "\(fault): \(outcome.verdict)")
            #expect(outcome.verdict.losers == [honestSide.other], "\(fault)")
            if round == nil {
                #expect(outcome.verdict.step == truth.step && outcome.verdict.op == truth.op, "\(fault): \(outcome.verdict) vs \(truth)")
                #expect(outcome.tensorBytes > 0 || outcome.verdict.reason != .wrongOutput)
            } else {
                #expect(outcome.verdict.reason == .timeout, "\(fault)")
            }
        }
    }

    @Test("bitflip at random steps and forward ops: the honest party wins at the first divergence", arguments: 0..<8)
    func bitflip(seed: UInt64) throws {
        var rng = SeededRandom(seed: 100 + seed)
        let step = 1 + Int(rng.next() % UInt64(SmallGPT.steps))
        let ops = SmallGPT.forwardOps(try SmallGPT.honest.trace(step: step)).all
        try check(.bitflip(step: step, op: ops[Int(rng.next() % UInt64(ops.count))]))
    }

    @Test("skip at random steps and ops", arguments: 0..<5)
    func skip(seed: UInt64) throws {
        var rng = SeededRandom(seed: 200 + seed)
        let step = 1 + Int(rng.next() % UInt64(SmallGPT.steps))
        let ops = SmallGPT.forwardOps(try SmallGPT.honest.trace(step: step)).skippable
        try check(.skip(step: step, op: ops[Int(rng.next() % UInt64(ops.count))]))
    }

    @Test("a lie in one committed output digest, at random steps and any op (backward, AdamW, checkpoint)", arguments: 0..<8)
    func lie(seed: UInt64) throws {
        var rng = SeededRandom(seed: 300 + seed)
        let step = 1 + Int(rng.next() % UInt64(SmallGPT.steps))
        let count = try SmallGPT.referee.opCount(step: step, job: SmallGPT.honest.job)
        let op = seed == 0 ? count - 1 : Int(rng.next() % UInt64(count))
        try check(.lie(step: step, op: op))
    }

    @Test("a wrong data batch and a wrong learning rate lose on the program check", arguments: [1, 3, 5])
    func batchAndRate(step: Int) throws {
        try check(.batch(step: step))
        try check(.learningRate(step: step, 2))
    }

    @Test("eval disputes: a judge's forward pass scoring batches; a wrong score loses at the first diverging op",
          arguments: 0..<3)
    func evaluation(seed: UInt64) throws {
        var job = SmallGPT.job(steps: 6, seed: 21)
        job.evaluation = true
        #expect(try job.spec().digest != SmallGPT.job(steps: 6, seed: 21).spec().digest)
        let honest = try GPTTraceSource(job: job), referee = try GPTReexecutor(job: job)
        // Forward ops only, then the checkpoint op; the parameters are carried over unchanged.
        let trace = try honest.trace(step: 2)
        #expect(!trace.ops.contains { $0.kind.hasPrefix("vjp.") || $0.kind.hasPrefix("adamw.") })
        #expect(try honest.checkpoint(after: 3).opening(named: "lm_head.weight").tensor.digest
                == (try honest.checkpoint(after: 0).opening(named: "lm_head.weight").tensor.digest))
        #expect(try honest.checkpoint(after: 3).opening(named: GPTJob.scoreName).tensor.digest
                != (try honest.checkpoint(after: 2).opening(named: GPTJob.scoreName).tensor.digest))
        var rng = SeededRandom(seed: 400 + seed)
        let step = 1 + Int(rng.next() % 6)
        let forward = SmallGPT.forwardOps(trace).all
        let faults: [GPTFault] = [
            .bitflip(step: step, op: forward[Int(rng.next() % UInt64(forward.count))]),
            .lie(step: step, op: Int(rng.next() % UInt64(trace.ops.count))), .batch(step: step),
        ]
        for fault in faults {
            let cheater = try GPTTraceSource(job: job, fault: fault)
            let truth = try #require(try LocalDispute.firstDivergence(honest, cheater))
            referee.store.removeAll()
            let outcome = LocalDispute.run(job: honest.job, a: cheater, b: honest, reexecutor: referee, store: referee.store)
            #expect(outcome.verdict.winner == .b && outcome.verdict.losers == [.a], "\(fault): \(outcome.verdict)")
            #expect(outcome.verdict.step == truth.step && outcome.verdict.op == truth.op, "\(fault)")
        }
    }

    @Test("a cheater that stops answering loses by timeout", arguments: [1, 4, 9])
    func silent(round: Int) throws {
        try check(.lie(step: 2, op: 40), silentFrom: round)
    }
}

@Suite("Verde messages in Chain's ABI encoding")
struct ABIEncodingTests {
    /// Every message of a real GPT dispute, both directions, and the verdict.
    static func transcript() throws -> (questions: [RefereeMessage], answers: [PartyMessage], verdict: Verdict) {
        let honest = SmallGPT.honest, referee = SmallGPT.otherReferee
        let cheater = try GPTTraceSource(job: SmallGPT.training, fault: .lie(step: 3, op: 7))
        var r = DisputeReferee(job: honest.job, rootA: honest.commitment.root, rootB: cheater.commitment.root, timeout: 4,
                               reexecutor: referee)
        var responders = [DisputeResponder(source: honest), DisputeResponder(source: cheater)]
        var questions: [RefereeMessage] = [], answers: [PartyMessage] = []
        var actions = r.start(now: 0)
        var now: UInt64 = 0
        while case .send(let question, _)? = actions.first {
            questions.append(question)
            now += 1
            actions = []
            for (i, party) in Disputant.allCases.enumerated() {
                if case .openOp(_, let step, let op) = question {
                    _ = try [honest, cheater][i].uploadInputs(step: step, op: op, to: referee.store)
                }
                let response = responders[i].respond(to: question)
                let answer = try #require(response)
                answers.append(answer)
                actions += r.receive(answer, from: party, now: now)
            }
        }
        guard case .rule(let verdict)? = actions.first else { throw VerdeError(.invalidValue, "no ruling") }
        return (questions, answers, verdict)
    }

    @Test("messages round-trip through Chain's ABI codec; verdicts and slashing records equal their word encoding")
    func roundTrip() throws {
        let (questions, answers, verdict) = try Self.transcript()
        #expect(verdict.winner == .a)
        #expect(answers.contains { if case .evidence = $0 { true } else { false } })
        for q in questions { #expect(try RefereeMessage(abiEncoded: q.abiEncoded) == q) }
        for a in answers { #expect(try PartyMessage(abiEncoded: a.abiEncoded) == a) }
        #expect(verdict.abiEncoded == verdict.encoded)
        #expect(try Verdict(abiEncoded: verdict.abiEncoded) == verdict)
        let addresses: [Disputant: PartyAddress] = [.a: try PartyAddress(bytes: Array(1...20)), .b: try PartyAddress(bytes: Array(21...40))]
        let record = try #require(SlashingRecord(verdict: verdict, addresses: addresses))
        #expect(record.abiEncoded == record.encoded)
        #expect(try SlashingRecord(abiEncoded: record.abiEncoded) == record)
    }

    @Test("ABI decoding rejects truncated, garbage and out-of-range input with a typed error")
    func rejects() throws {
        let (questions, answers, _) = try Self.transcript()
        var rng = SeededRandom(seed: 9)
        for message in answers.prefix(3) + answers.suffix(2) {
            let bytes = message.abiEncoded
            #expect(throws: VerdeError.self) { try PartyMessage(abiEncoded: Array(bytes.dropLast(32))) }
            #expect(throws: VerdeError.self) { try PartyMessage(abiEncoded: rng.bytes(bytes.count)) }
        }
        var bad = questions[0].abiEncoded
        bad[31] = 7  // tag 7
        #expect(throws: VerdeError.self) { try RefereeMessage(abiEncoded: bad) }
    }

    @Test("eth_abi decodes every message with the declared types and re-encodes the same bytes")
    func ethABI() throws {
        let (questions, answers, verdict) = try Self.transcript()
        var lines: [String] = []
        for q in questions { lines.append("\(RefereeMessage.fieldTypes.map(\.description).joined(separator: ";")) \(hexString(q.abiEncoded))") }
        for a in answers {
            lines.append("\(PartyMessage.fieldTypes.map(\.description).joined(separator: ";")) \(hexString(a.abiEncoded))")
            if case .evidence(_, let e) = a {
                lines.append("\(OpEvidence.fieldTypes.map(\.description).joined(separator: ";")) \(hexString(e.abiEncoded))")
            }
        }
        lines.append("\(Verdict.fieldTypes.map(\.description).joined(separator: ";")) \(hexString(verdict.abiEncoded))")
        let output = try PythonOracle.run("""
            import sys, eth_abi
            ok = 0
            for line in sys.stdin.read().split("\\n"):
                if not line: continue
                types, data = line.split(" ")
                types = types.split(";")
                raw = bytes.fromhex(data)
                assert eth_abi.encode(types, eth_abi.decode(types, raw)) == raw, types
                ok += 1
            print(ok)
            """, input: lines.joined(separator: "\n"))
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(lines.count)")
    }
}

func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}
