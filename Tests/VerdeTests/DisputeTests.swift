import GensynTestSupport
import Testing
@testable import Verde

/// The fault kinds a property case draws from.
enum FaultKind: CaseIterable { case bitflip, batch, lr, skip, lie }

/// One seeded case: a job, an honest trainer, a cheater with one fault.
struct DisputeCase: CustomTestStringConvertible {
    let seed: UInt64
    let job: JobSpec
    let fault: SyntheticFault
    let honestIsA: Bool
    var testDescription: String { "seed \(seed): \(job.steps) steps, \(fault), honest \(honestIsA ? "A" : "B")" }

    init(seed: UInt64, maxSteps: Int = 33) throws {
        var rng = SeededRandom(seed: seed)
        self.seed = seed
        let model = SyntheticModel(parameterCount: 1 + Int(rng.next() % 4), learningRate: 1000)
        let steps = 1 + Int(rng.next() % UInt64(maxSteps))
        job = try model.job(steps: steps, seed: rng.next())
        let step = 1 + Int(rng.next() % UInt64(steps))
        let op = Int(rng.next() % UInt64(model.opCount))
        switch FaultKind.allCases[Int(rng.next() % 5)] {
        case .bitflip: fault = .bitflip(step: step, op: op)
        case .batch: fault = .batch(step: step)
        case .lr: fault = .learningRate(step: step, 999)
        case .skip: fault = .skip(step: step, op: op)
        case .lie: fault = .lie(step: step, op: op)
        }
        honestIsA = rng.next() % 2 == 0
    }
}

func ceilLog2(_ n: Int) -> Int { n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount }

@Suite("Dispute")
struct DisputeTests {
    static let reexecutor = SyntheticReexecutor()

    @Test("two honest trainers commit identically: no dispute, no rounds")
    func honestPair() throws {
        let job = try SyntheticModel(parameterCount: 3).job(steps: 33, seed: 5)
        let a = try SyntheticTrainer(job: job), b = try SyntheticTrainer(job: job)
        #expect(a.commitment.root == b.commitment.root)
        #expect(a.commitment.steps == b.commitment.steps)
        let outcome = LocalDispute.run(job: job, a: a, b: b, reexecutor: Self.reexecutor)
        #expect(outcome.verdict.reason == .noDispute)
        #expect(outcome.verdict.winner == nil && outcome.verdict.losers.isEmpty)
        #expect(outcome.rounds == 0 && outcome.bytes == 0)
        // A different seed is a different job and a different root.
        let other = try SyntheticTrainer(job: SyntheticModel(parameterCount: 3).job(steps: 33, seed: 6))
        #expect(other.commitment.root != a.commitment.root)
    }

    @Test("the honest party wins and the dispute lands on the true first divergence",
          arguments: (0..<100).map { UInt64($0) })
    func faultInjection(seed: UInt64) throws {
        let c = try DisputeCase(seed: seed)
        let honest = try SyntheticTrainer(job: c.job)
        let cheater = try SyntheticTrainer(job: c.job, fault: c.fault)
        let truth = try #require(try SyntheticTrainer.firstDivergence(honest, cheater))
        #expect(truth.step == c.fault.step)
        let (a, b): (SyntheticTrainer, SyntheticTrainer) = c.honestIsA ? (honest, cheater) : (cheater, honest)
        let outcome = LocalDispute.run(job: c.job, a: a, b: b, reexecutor: Self.reexecutor)
        let honestRole: Disputant = c.honestIsA ? .a : .b
        #expect(outcome.verdict.winner == honestRole, "\(outcome.verdict)")
        #expect(outcome.verdict.losers == [honestRole.other])
        #expect(outcome.verdict.step == truth.step)
        #expect(outcome.verdict.op == truth.op)
        #expect([.wrongOutput, .invalidOp].contains(outcome.verdict.reason))
        // Descents follow the RFC 6962 shape: at most ceil(log2) rounds each, plus the two openings.
        let opCount = try SyntheticModel(job: c.job).opCount
        #expect(outcome.rounds <= ceilLog2(c.job.steps) + ceilLog2(opCount) + 2)
        #expect(outcome.rounds >= 2)
    }

    @Test("fault kinds land where expected", arguments: [
        (SyntheticFault.batch(step: 4), 4, 0),
        (SyntheticFault.learningRate(step: 2, 7), 2, 2 * 3 + 2),  // first sgd op
        (SyntheticFault.bitflip(step: 9, op: 5), 9, 5),
        (SyntheticFault.skip(step: 1, op: 3), 1, 3),
        (SyntheticFault.lie(step: 12, op: 3 * 3 + 2), 12, 3 * 3 + 2),  // the checkpoint op: a lie in the checkpoint
    ])
    func faultLocations(fault: SyntheticFault, step: Int, op: Int) throws {
        let job = try SyntheticModel(parameterCount: 3).job(steps: 12, seed: 1)
        let honest = try SyntheticTrainer(job: job), cheater = try SyntheticTrainer(job: job, fault: fault)
        let outcome = LocalDispute.run(job: job, a: cheater, b: honest, reexecutor: Self.reexecutor)
        #expect(outcome.verdict.winner == .b)
        #expect(outcome.verdict.step == step && outcome.verdict.op == op, "\(outcome.verdict)")
        #expect(outcome.verdict.recomputed == (try honest.trace(step: step)).ops[op].outputDigest)
        #expect(outcome.verdict.recordB == (try honest.trace(step: step)).ops[op].leafHash)
    }

    @Test("a party that stops answering loses by timeout, in any round", arguments: (0..<24).map { UInt64($0) })
    func silentCheater(seed: UInt64) throws {
        let c = try DisputeCase(seed: seed + 1000)
        let honest = try SyntheticTrainer(job: c.job)
        let cheater = try SyntheticTrainer(job: c.job, fault: c.fault)
        let full = LocalDispute.run(job: c.job, a: honest, b: cheater, reexecutor: Self.reexecutor)
        let round = 1 + Int(seed) % full.rounds
        let outcome = LocalDispute.run(job: c.job, a: honest, b: cheater, behaviors: [.b: .silent(fromRound: round)],
                                       reexecutor: Self.reexecutor)
        #expect(outcome.verdict.winner == .a)
        #expect(outcome.verdict.losers == [.b])
        #expect(outcome.verdict.reason == .timeout)
        #expect(outcome.rounds == round)
    }

    @Test("a party whose answer does not check out loses, in any round", arguments: (0..<24).map { UInt64($0) })
    func invalidProof(seed: UInt64) throws {
        let c = try DisputeCase(seed: seed + 2000)
        let honest = try SyntheticTrainer(job: c.job)
        let cheater = try SyntheticTrainer(job: c.job, fault: c.fault)
        let full = LocalDispute.run(job: c.job, a: cheater, b: honest, reexecutor: Self.reexecutor)
        let round = 1 + Int(seed) % full.rounds
        let outcome = LocalDispute.run(job: c.job, a: cheater, b: honest, behaviors: [.a: .corrupt(round: round)],
                                       reexecutor: Self.reexecutor)
        #expect(outcome.verdict.winner == .b)
        #expect(outcome.verdict.reason == .invalidProof, "\(outcome.verdict)")
        #expect(outcome.rounds == round)
        // Even the honest party loses if it sends a bad answer: proofs, not reputations, decide.
        let flipped = LocalDispute.run(job: c.job, a: cheater, b: honest, behaviors: [.b: .corrupt(round: round)],
                                       reexecutor: Self.reexecutor)
        #expect(flipped.verdict.losers.contains(.b))
    }

    @Test("both parties silent: both lose, no winner")
    func bothSilent() throws {
        let job = try SyntheticModel(parameterCount: 2).job(steps: 8, seed: 2)
        let a = try SyntheticTrainer(job: job), b = try SyntheticTrainer(job: job, fault: .batch(step: 3))
        let outcome = LocalDispute.run(job: job, a: a, b: b, behaviors: [.a: .silent(fromRound: 2), .b: .silent(fromRound: 2)],
                                       reexecutor: Self.reexecutor)
        #expect(outcome.verdict.winner == nil && outcome.verdict.losers == [.a, .b] && outcome.verdict.reason == .timeout)
    }

    @Test("two different cheaters: no one is rewarded")
    func twoCheaters() throws {
        let job = try SyntheticModel(parameterCount: 2).job(steps: 16, seed: 4)
        let a = try SyntheticTrainer(job: job, fault: .bitflip(step: 5, op: 2))
        let b = try SyntheticTrainer(job: job, fault: .bitflip(step: 5, op: 2 + 1))
        let outcome = LocalDispute.run(job: job, a: a, b: b, reexecutor: Self.reexecutor)
        // A's flipped op 2 differs from B's correct op 2: A loses; B is not proven honest beyond op 2.
        #expect(outcome.verdict.step == 5 && outcome.verdict.op == 2)
        #expect(outcome.verdict.losers == [.a])
    }

    @Test("a step commitment claiming the wrong op count loses")
    func wrongOpCount() throws {
        let job = try SyntheticModel(parameterCount: 2).job(steps: 10, seed: 9)
        let honest = try SyntheticTrainer(job: job)
        let liar = LyingCount(inner: honest, step: 6)
        let outcome = LocalDispute.run(job: job, a: honest, b: liar, reexecutor: Self.reexecutor)
        #expect(outcome.verdict.winner == .a && outcome.verdict.reason == .wrongOpCount && outcome.verdict.step == 6)
    }

    @Test("referee machine: stale rounds and repeats are ignored, late answers time out, the verdict is final")
    func machine() throws {
        let job = try SyntheticModel(parameterCount: 2).job(steps: 4, seed: 1)
        let a = try SyntheticTrainer(job: job), b = try SyntheticTrainer(job: job, fault: .bitflip(step: 2, op: 1))
        var referee = DisputeReferee(job: job, rootA: a.commitment.root, rootB: b.commitment.root, timeout: 5,
                                     reexecutor: Self.reexecutor)
        let first = referee.start(now: 0)
        #expect(first.count == 2)
        guard case .send(let question, _) = first[0] else { Issue.record("no question"); return }
        var ra = DisputeResponder(source: a), rb = DisputeResponder(source: b)
        let maybeA = ra.respond(to: question), maybeB = rb.respond(to: question)
        let answerA = try #require(maybeA), answerB = try #require(maybeB)
        #expect(referee.receive(.node(round: 7, left: .zero, right: .zero), from: .a, now: 1).isEmpty)  // other round
        #expect(referee.receive(answerA, from: .a, now: 1).isEmpty)
        #expect(referee.receive(answerA, from: .a, now: 2).isEmpty)  // repeat
        #expect(referee.advance(to: 5).isEmpty)  // deadline is 5: still on time
        let late = referee.receive(answerB, from: .b, now: 6)
        guard case .rule(let verdict)? = late.first else { Issue.record("expected a ruling"); return }
        #expect(verdict.winner == .a && verdict.reason == .timeout)
        #expect(referee.receive(answerB, from: .b, now: 7).isEmpty)
        #expect(referee.advance(to: 100).isEmpty)
        #expect(referee.verdict == verdict)
    }

    @Test("rounds and bytes grow with log2(steps) (16k steps: see the benchmark table)")
    func cost() throws {
        let model = SyntheticModel(parameterCount: 4)
        var previous = 0
        for steps in [16, 128, 512] {
            let job = try model.job(steps: steps, seed: 3)
            let honest = try SyntheticTrainer(job: job)
            let cheater = try SyntheticTrainer(job: job, fault: .bitflip(step: steps * 3 / 4, op: model.opCount - 3))
            let outcome = LocalDispute.run(job: job, a: honest, b: cheater, reexecutor: Self.reexecutor)
            #expect(outcome.verdict.winner == .a)
            #expect(outcome.rounds == ceilLog2(steps) + ceilLog2(model.opCount) + 2)
            #expect(outcome.bytes > previous && outcome.bytes < 16 * 1024, "\(steps) steps: \(outcome.bytes) bytes")
            previous = outcome.bytes
        }
    }
}

/// Wraps an honest source but publishes step `step` with one op too many.
struct LyingCount: TraceSource {
    let inner: SyntheticTrainer
    let step: Int
    var job: JobSpec { inner.job }
    var commitment: JobCommitment {
        var steps = inner.commitment.steps
        steps[step - 1].opCount += 1
        return JobCommitment(steps: steps)
    }
    func trace(step: Int) throws -> StepTrace { try inner.trace(step: step) }
    func checkpoint(after step: Int) throws -> CheckpointCommitment { try inner.checkpoint(after: step) }
}
