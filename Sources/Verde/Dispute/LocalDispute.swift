/// How a simulated party behaves in a ``LocalDispute``.
public enum PartyBehavior: Sendable, Hashable {
    /// Answers every question truthfully from its trace source.
    case honest
    /// Answers truthfully up to round `round − 1`, then stops answering.
    case silent(fromRound: Int)
    /// Answers truthfully except in round `round`, where it alters its answer (a bad proof).
    case corrupt(round: Int)
}

/// The outcome of a ``LocalDispute``: the verdict and what the dispute cost.
public struct DisputeOutcome: Sendable {
    /// The ruling.
    public var verdict: Verdict
    /// Question rounds.
    public var rounds: Int
    /// Encoded bytes of every message, both directions, both parties.
    public var bytes: Int
    /// Encoded bytes of the questions alone.
    public var questionBytes: Int
    /// Encoded size of the largest message.
    public var largestMessage: Int
    /// Wall time spent inside the referee (proof checks and the one-op re-execution), seconds.
    public var refereeSeconds: Double
    /// Bytes of input tensors the parties uploaded for the re-execution (not in ``bytes``).
    public var tensorBytes: Int = 0
    /// Bytes of every message in the ABI encoding a contract would carry (``ABIRepresentable``).
    public var abiBytes: Int = 0
}

/// Runs a dispute in memory: the referee state machine, two responders and a logical clock
/// (one tick per delivery). The transport a test, benchmark or example needs; a networked or
/// on-chain transport drives ``DisputeReferee`` the same way.
public enum LocalDispute {
    /// Runs the dispute between `a` and `b` (their published roots are their commitments' roots).
    public static func run(
        job: JobSpec, a: any TraceSource, b: any TraceSource, behaviors: [Disputant: PartyBehavior] = [:],
        reexecutor: any OpReexecutor, store: TensorStore? = nil, timeout: UInt64 = 8
    ) -> DisputeOutcome {
        let sources: [Disputant: any TraceSource] = [.a: a, .b: b]
        var referee = DisputeReferee(
            job: job, rootA: a.commitment.root, rootB: b.commitment.root, timeout: timeout, reexecutor: reexecutor)
        var responders: [Disputant: DisputeResponder] = [.a: DisputeResponder(source: a), .b: DisputeResponder(source: b)]
        var now: UInt64 = 0
        var bytes = 0, questionBytes = 0, largest = 0, tensorBytes = 0, abiBytes = 0
        let clock = ContinuousClock()
        var refereeTime = Duration.zero
        func timed(_ body: () -> [DisputeAction]) -> [DisputeAction] {
            let start = clock.now
            defer { refereeTime += clock.now - start }
            return body()
        }
        var pending = timed { referee.start(now: now) }
        while true {
            var next: [DisputeAction] = []
            for action in pending {
                switch action {
                case .rule(let verdict):
                    let c = refereeTime.components
                    return DisputeOutcome(verdict: verdict, rounds: referee.round, bytes: bytes, questionBytes: questionBytes,
                                          largestMessage: largest,
                                          refereeSeconds: Double(c.seconds) + Double(c.attoseconds) * 1e-18,
                                          tensorBytes: tensorBytes, abiBytes: abiBytes)
                case .send(let question, let party):
                    let size = question.encoded.count
                    bytes += size; questionBytes += size; largest = max(largest, size)
                    abiBytes += question.abiEncoded.count
                    guard var answer = responders[party]!.respond(to: question) else { continue }
                    switch behaviors[party] ?? .honest {
                    case .honest: break
                    case .silent(let from): if question.round >= from { continue }
                    case .corrupt(let round): if question.round == round { answer = corrupted(answer) }
                    }
                    // A real trainer also files the op's input tensors for the re-execution.
                    if case .openOp(_, let step, let op) = question, let store,
                       let uploader = sources[party] as? any TensorUploading {
                        tensorBytes += (try? uploader.uploadInputs(step: step, op: op, to: store)) ?? 0
                    }
                    let size2 = answer.encoded.count
                    bytes += size2; largest = max(largest, size2)
                    abiBytes += answer.abiEncoded.count
                    now += 1
                    next += timed { referee.receive(answer, from: party, now: now) }
                }
            }
            if next.isEmpty {
                // Someone did not answer: let the deadline pass.
                now = referee.deadline + 1
                next = timed { referee.advance(to: now) }
            }
            pending = next
        }
    }

    /// The true first divergence between two parties' runs of the same job, from their full
    /// commitments and traces (not from a dispute): the first step whose commitments differ and
    /// its first differing op record; nil when the runs agree.
    public static func firstDivergence(_ a: any TraceSource, _ b: any TraceSource) throws -> (step: Int, op: Int)? {
        guard let i = a.commitment.steps.indices.first(where: { a.commitment.steps[$0] != b.commitment.steps[$0] }) else {
            return nil
        }
        let (ta, tb) = (try a.trace(step: i + 1), try b.trace(step: i + 1))
        let n = min(ta.ops.count, tb.ops.count)
        return (i + 1, (0..<n).first(where: { ta.ops[$0] != tb.ops[$0] }) ?? n)
    }

    /// The answer altered the way a cheater might: a flipped node hash, a different trace root,
    /// a changed record.
    static func corrupted(_ answer: PartyMessage) -> PartyMessage {
        switch answer {
        case .node(let round, var left, let right):
            left.storage.0 ^= 1
            return .node(round: round, left: left, right: right)
        case .step(let round, var step):
            step.traceRoot.storage.1 ^= 1
            return .step(round: round, step)
        case .evidence(let round, var evidence):
            evidence.record.attributes.append(0)
            return .evidence(round: round, evidence)
        }
    }
}
