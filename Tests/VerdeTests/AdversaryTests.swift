import GensynTestSupport
import Synchronization
import Testing
@testable import Verde

/// Counts what the referee asks of the re-executor.
final class CountingReexecutor: OpReexecutor {
    let inner = SyntheticReexecutor()
    let counts = Mutex((opCount: 0, reexecute: 0))

    func opCount(step: Int, job: JobSpec) throws -> Int {
        counts.withLock { $0.opCount += 1 }
        return try inner.opCount(step: step, job: job)
    }

    func reexecute(_ record: OpRecord, inputs: [TensorDigest], step: Int, job: JobSpec) throws -> TensorDigest {
        counts.withLock { $0.reexecute += 1 }
        return try inner.reexecute(record, inputs: inputs, step: step, job: job)
    }
}

func randomDigest(_ rng: inout SeededRandom) -> Digest {
    Digest.keccak(withUnsafeBytes(of: rng.next()) { Array($0) })
}

@Suite("Adversaries")
struct AdversaryTests {
    @Test("the referee runs one op per party and never a step", arguments: [1, 2, 7, 64])
    func refereeWork(steps: Int) throws {
        let job = try SyntheticModel(parameterCount: 4).job(steps: steps, seed: 8)
        let honest = try SyntheticTrainer(job: job)
        let cheater = try SyntheticTrainer(job: job, fault: .lie(step: steps, op: 9))
        let counter = CountingReexecutor()
        let outcome = LocalDispute.run(job: job, a: cheater, b: honest, reexecutor: counter)
        #expect(outcome.verdict.winner == .b && outcome.verdict.op == 9 && outcome.verdict.step == steps)
        let counts = counter.counts.withLock { $0 }
        #expect(counts.opCount == 1)
        #expect(counts.reexecute == 1)  // the two records differ only in the claimed output: one run
    }

    @Test("a cheater answering with random well-formed messages always loses; the honest side wins",
          arguments: (0..<40).map { UInt64($0) })
    func randomAnswers(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed &+ 77)
        let job = try SyntheticModel(parameterCount: 2).job(steps: 1 + Int(rng.next() % 20), seed: seed)
        let honest = try SyntheticTrainer(job: job)
        let cheater = try SyntheticTrainer(job: job, fault: .bitflip(step: job.steps, op: 1))
        var referee = DisputeReferee(job: job, rootA: honest.commitment.root, rootB: cheater.commitment.root, timeout: 4,
                                     reexecutor: SyntheticReexecutor())
        var responder = DisputeResponder(source: honest)
        var actions = referee.start(now: 0)
        var now: UInt64 = 0
        var verdict: Verdict?
        while verdict == nil {
            var next: [DisputeAction] = []
            for action in actions {
                switch action {
                case .rule(let v): verdict = v
                case .send(let question, .a):
                    now += 1
                    let answer = responder.respond(to: question)
                    next += referee.receive(try #require(answer), from: .a, now: now)
                case .send(let question, _):
                    now += 1
                    let noise: PartyMessage
                    switch rng.next() % 3 {
                    case 0: noise = .node(round: question.round, left: randomDigest(&rng), right: randomDigest(&rng))
                    case 1: noise = .step(round: question.round, StepCommitment(opCount: 9, traceRoot: randomDigest(&rng)))
                    default:
                        noise = .evidence(round: question.round, OpEvidence(
                            record: OpRecord(index: 0, kind: "data", inputs: [], outputShape: [32, 64],
                                             outputDigest: randomDigest(&rng)), inputs: [], checkpoint: nil))
                    }
                    next += referee.receive(noise, from: .b, now: now)
                }
            }
            if verdict == nil && next.isEmpty { now = referee.deadline + 1; next = referee.advance(to: now) }
            actions = next
        }
        #expect(verdict?.winner == .a)
        #expect(verdict?.losers == [.b])
        #expect(verdict?.reason == .invalidProof)
    }

    @Test("an honest responder answers nonsense questions with silence, never a crash")
    func responderFuzz() throws {
        let job = try SyntheticModel(parameterCount: 2).job(steps: 9, seed: 1)
        var responder = DisputeResponder(source: try SyntheticTrainer(job: job))
        var rng = SeededRandom(seed: 5)
        var answered = 0
        for _ in 0..<2000 {
            let a = Int(rng.next() % 24), b = Int(rng.next() % 24), step = Int(rng.next() % 12)
            let question: RefereeMessage = switch rng.next() % 3 {
            case 0: .openNode(round: 1, tree: rng.next() % 2 == 0 ? .job : .trace, step: step, range: min(a, b)..<max(a, b) + 1)
            case 1: .openStep(round: 1, step: step)
            default: .openOp(round: 1, step: step, op: a)
            }
            if responder.respond(to: question) != nil { answered += 1 }
        }
        #expect(answered > 100 && answered < 2000)
    }
}
