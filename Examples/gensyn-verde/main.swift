// gensyn-verde: Verde's refereed delegation on real RepOps GPT training (or, with
// --workload synthetic, on the cheap synthetic workload used for 16k-step scale studies).
//
// gensyn-verde dispute --steps N --fault <kind>[:step[:op]] [--seed S] [--json]
//   [--workload gpt|eval|synthetic] [--width W] [--layers L] [--context T] [--params P]
//   kinds: bitflip, batch, lr, skip, lie, silent, none
import RepOps
import Verde

#if canImport(Glibc)
import Glibc
#endif

struct UsageError: Error, CustomStringConvertible {
    let description: String
}

let usage = """
usage: gensyn-verde dispute --steps N --fault <kind>[:step[:op]] [--seed S] [--json]
                            [--workload gpt|eval|synthetic] [--width W] [--layers L] [--context T] [--params P]
  Trains a small RepOps GPT twice (honest party A, cheater B with the fault), runs the dispute, reports.
  kinds: bitflip, batch, lr, skip, lie, silent, none (step/op drawn from the seed when omitted;
  bitflip and skip take a forward op). --workload eval: an inference/eval job (each step is the
  model's forward pass scoring one batch, as a judge scores an answer; lr does not apply).
  --workload synthetic: the SYNTHETIC digest-only workload (--params P tensors) for very long jobs.
"""

struct Options {
    var steps = 64
    var faultKind = "bitflip"
    var faultStep: Int?
    var faultOp: Int?
    var seed: UInt64 = 1
    var params = 8
    var json = false
    var synthetic = false
    var evaluation = false
    var width = 16, layers = 1, context = 16

    init(_ arguments: [String]) throws {
        guard arguments.first == "dispute" else { throw UsageError(description: "unknown or missing command") }
        var i = 1
        func value(_ flag: String) throws -> String {
            i += 1
            guard i < arguments.count else { throw UsageError(description: "\(flag) needs a value") }
            return arguments[i]
        }
        func int(_ flag: String, _ text: String, min: Int) throws -> Int {
            guard let v = Int(text), v >= min else { throw UsageError(description: "\(flag): '\(text)' is not an integer ≥ \(min)") }
            return v
        }
        while i < arguments.count {
            let flag = arguments[i]
            switch flag {
            case "--steps": steps = try int(flag, value(flag), min: 1)
            case "--params": params = try int(flag, value(flag), min: 1)
            case "--width": width = try int(flag, value(flag), min: 2)
            case "--layers": layers = try int(flag, value(flag), min: 1)
            case "--context": context = try int(flag, value(flag), min: 2)
            case "--workload":
                let w = try value(flag)
                guard ["gpt", "eval", "synthetic"].contains(w) else {
                    throw UsageError(description: "--workload: expected gpt, eval or synthetic")
                }
                synthetic = w == "synthetic"
                evaluation = w == "eval"
            case "--seed":
                let text = try value(flag)
                guard let s = UInt64(text) else { throw UsageError(description: "--seed: '\(text)' is not an unsigned integer") }
                seed = s
            case "--json": json = true
            case "--fault":
                let parts = try value(flag).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard (1...3).contains(parts.count),
                      ["bitflip", "batch", "lr", "skip", "lie", "silent", "none"].contains(parts[0]) else {
                    throw UsageError(description: "--fault: expected <kind>[:step[:op]] with kind bitflip|batch|lr|skip|lie|silent|none")
                }
                faultKind = parts[0]
                if parts.count > 1 { faultStep = try int("--fault step", parts[1], min: 1) }
                if parts.count > 2 { faultOp = try int("--fault op", parts[2], min: 0) }
            case "-h", "--help": throw UsageError(description: "")
            default: throw UsageError(description: "unknown option \(flag)")
            }
            i += 1
        }
        if let s = faultStep, s > steps { throw UsageError(description: "--fault step \(s) is beyond --steps \(steps)") }
        if synthetic, let k = faultOp, k >= 3 * params + 3 {
            throw UsageError(description: "--fault op \(k) is beyond the \(3 * params + 3) ops of a step")
        }
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func json(_ value: Int?) -> String { value.map(String.init) ?? "null" }
func json(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "null" }

/// The dispute's report: the JSON line of the issue or a human summary.
struct Report {
    var workload: String
    var fault: String
    var faultDescription: String
    var truth: (step: Int, op: Int)?
    var outcome: DisputeOutcome
    var opKind: String?
    var stepSeconds: Double
    var jobSeconds: Double
    var shape: String

    func print(asJSON: Bool) {
        let verdict = outcome.verdict
        let winner: String? = switch verdict.winner {
        case .a?: "honest"
        case .b?: "cheater"
        case nil: nil
        }
        if asJSON {
            Swift.print("{\"fault\": \"\(fault)\", \"injected_step\": \(json(truth?.step)), \"injected_op\": \(json(truth?.op)), "
                + "\"found_step\": \(json(verdict.step)), \"found_op\": \(json(verdict.op)), \"op_kind\": \(json(opKind)), "
                + "\"winner\": \(json(winner)), \"rounds\": \(outcome.rounds), \"bytes\": \(outcome.bytes), "
                + "\"referee_ms\": \(outcome.refereeSeconds * 1000), \"step_ms\": \(stepSeconds * 1000), \"job_ms\": \(jobSeconds * 1000)}")
        } else {
            Swift.print("""
            workload:  \(workload)
            job:       \(shape)
            fault:     \(faultDescription)
            injected:  step \(json(truth?.step)), op \(json(truth?.op)) (true first divergence)
            verdict:   \(verdict)
            found:     step \(json(verdict.step)), op \(json(verdict.op)) \(opKind ?? "")
            winner:    \(winner ?? "none")
            cost:      \(outcome.rounds) rounds, \(outcome.bytes) message bytes (largest \(outcome.largestMessage); \(outcome.abiBytes) ABI-encoded), \(outcome.tensorBytes) tensor bytes uploaded
            time:      referee \(outcome.refereeSeconds * 1000) ms, one step \(stepSeconds * 1000) ms, whole job \(jobSeconds * 1000) ms
            """)
        }
    }
}

/// Deterministic draws from the seed (xorshift), so a run can be repeated.
struct Draws {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func callAsFunction(_ bound: Int) -> Int {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Int(state % UInt64(max(bound, 1)))
    }
}

func runGPT(_ options: Options) throws {
    let corpus = ByteTokenizer().encode(TinyCorpus.text)
    let heads = options.width % 2 == 0 ? 2 : 1
    var job = GPTJob(
        config: GPTConfig(vocabulary: 256, context: options.context, width: options.width, heads: heads, layers: options.layers),
        corpus: corpus, seed: options.seed, batchSize: 4, steps: options.steps)
    job.evaluation = options.evaluation
    if options.evaluation && options.faultKind == "lr" {
        throw UsageError(description: "--fault lr: an eval job has no learning rate")
    }
    var draw = Draws(seed: options.seed)
    let clock = ContinuousClock()
    let progressEvery = max(1, options.steps / 8)
    writeStderr("gensyn-verde: training \(options.steps) RepOps GPT steps, traced (honest)…\n")
    let honest = try GPTTraceSource(job: job) { s in
        if s % progressEvery == 0 { writeStderr("  honest: step \(s)/\(options.steps)\n") }
    }
    // One untraced step is what a trainer pays per step; the referee's time is compared with the
    // fastest of up to 4 (the conservative comparison on a shared machine).
    var plain = try job.trainer()
    var stepSeconds = Double.infinity
    for s in 0..<min(options.steps, 4) {
        let t0 = clock.now
        if options.evaluation {
            let (x, y) = plain.batcher.batch(step: s)
            let tape = Tape()
            plain.parameters.register(on: tape)
            _ = try plain.model.loss(tape, inputs: x, targets: y)
        } else {
            try plain.step()
        }
        stepSeconds = min(stepSeconds, seconds(clock.now - t0))
    }

    let step = options.faultStep ?? 1 + draw(options.steps)
    let trace = try honest.trace(step: step)
    let seed = trace.ops.firstIndex { $0.kind == "leaf" } ?? trace.ops.count - 1
    let forward = Array(0..<seed)
    let skippable = forward.filter { i in
        guard case .op(let j)? = trace.ops[i].inputs.first else { return false }
        return trace.ops[j].outputShape == trace.ops[i].outputShape
    }
    func pick(_ allowed: [Int], _ what: String) throws -> Int {
        if let k = options.faultOp {
            guard allowed.contains(k) else {
                throw UsageError(description: "--fault op \(k) is not \(what) (step \(step) has \(trace.ops.count) ops; \(what): \(allowed.first ?? 0)…\(allowed.last ?? 0))")
            }
            return k
        }
        guard !allowed.isEmpty else { throw UsageError(description: "step \(step) has no op that is \(what)") }
        return allowed[draw(allowed.count)]
    }
    let fault: GPTFault? = switch options.faultKind {
    case "bitflip", "silent": .bitflip(step: step, op: try pick(forward, "a forward op"))
    case "batch": .batch(step: step)
    case "lr": .learningRate(step: step, 2)
    case "skip": .skip(step: step, op: try pick(skippable, "a forward op whose output has its first input's shape"))
    case "lie": .lie(step: step, op: try pick(Array(trace.ops.indices), "an op"))
    default: nil
    }
    writeStderr("gensyn-verde: training \(options.steps) RepOps GPT steps, traced (cheater: \(fault.map { "\($0)" } ?? "none"))…\n")
    let cheater = try GPTTraceSource(job: job, fault: fault) { s in
        if s % progressEvery == 0 { writeStderr("  cheater: step \(s)/\(options.steps)\n") }
    }
    let truth = try LocalDispute.firstDivergence(honest, cheater)
    writeStderr("gensyn-verde: deriving the referee's program…\n")
    let referee = try GPTReexecutor(job: job)
    var behaviors: [Disputant: PartyBehavior] = [:]
    if options.faultKind == "silent" {
        let full = LocalDispute.run(job: honest.job, a: honest, b: cheater, reexecutor: referee, store: referee.store)
        behaviors[.b] = .silent(fromRound: 1 + draw(max(1, full.rounds)))
        referee.store.removeAll()
    }
    writeStderr("gensyn-verde: dispute…\n")
    let outcome = LocalDispute.run(job: honest.job, a: honest, b: cheater, behaviors: behaviors, reexecutor: referee,
                                   store: referee.store)
    var opKind: String?
    if let s = outcome.verdict.step, let k = outcome.verdict.op { opKind = try honest.trace(step: s).ops[k].kind }
    let c = job.config
    Report(
        workload: (options.evaluation ? "RepOps GPT forward-only eval" : "RepOps GPT training") + " (vocabulary 256, context \(c.context), width \(c.width), \(c.layers) layer(s), batch \(job.batchSize)), traced",
        fault: options.faultKind, faultDescription: (fault.map { "\($0)" } ?? "none") + (options.faultKind == "silent" ? " + stops answering" : ""),
        truth: truth, outcome: outcome, opKind: opKind, stepSeconds: stepSeconds, jobSeconds: honest.trainingSeconds,
        shape: "\(options.steps) steps × \(trace.ops.count) ops, seed \(options.seed), id \(honest.job.digest)"
    ).print(asJSON: options.json)
}

func run(_ options: Options) throws {
    if !options.synthetic { return try runGPT(options) }
    let model = SyntheticModel(parameterCount: options.params)
    let job = try model.job(steps: options.steps, seed: options.seed)
    var draw = Draws(seed: options.seed)
    let step = options.faultStep ?? 1 + draw(options.steps)
    let op = options.faultOp ?? draw(model.opCount)
    let fault: SyntheticFault? = switch options.faultKind {
    case "bitflip", "silent": .bitflip(step: step, op: op)
    case "batch": .batch(step: step)
    case "lr": .learningRate(step: step, model.learningRate + 1)
    case "skip": .skip(step: step, op: op)
    case "lie": .lie(step: step, op: op)
    default: nil
    }

    let clock = ContinuousClock()
    writeStderr("gensyn-verde: training \(options.steps) synthetic steps (honest)…\n")
    let t0 = clock.now
    let honest = try SyntheticTrainer(job: job)
    let jobSeconds = seconds(clock.now - t0)
    writeStderr("gensyn-verde: training \(options.steps) synthetic steps (cheater: \(fault.map { "\($0)" } ?? "none"))…\n")
    let cheater = try SyntheticTrainer(job: job, fault: fault)
    let truth = try LocalDispute.firstDivergence(honest, cheater)

    var behaviors: [Disputant: PartyBehavior] = [:]
    if options.faultKind == "silent" {
        let full = LocalDispute.run(job: job, a: honest, b: cheater, reexecutor: SyntheticReexecutor())
        behaviors[.b] = .silent(fromRound: 1 + draw(max(1, full.rounds)))
    }
    writeStderr("gensyn-verde: dispute…\n")
    let outcome = LocalDispute.run(job: job, a: honest, b: cheater, behaviors: behaviors, reexecutor: SyntheticReexecutor())
    var opKind: String?
    if let s = outcome.verdict.step, let k = outcome.verdict.op { opKind = try honest.trace(step: s).ops[k].kind }
    Report(
        workload: "SYNTHETIC (Keccak digests stand in for tensors)", fault: options.faultKind,
        faultDescription: (fault.map { "\($0)" } ?? "none") + (options.faultKind == "silent" ? " + stops answering" : ""),
        truth: truth, outcome: outcome, opKind: opKind, stepSeconds: jobSeconds / Double(options.steps), jobSeconds: jobSeconds,
        shape: "\(options.steps) steps × \(model.opCount) ops, seed \(options.seed), id \(job.digest)"
    ).print(asJSON: options.json)
}

func writeStderr(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { return }
        offset += n
    }
}

do {
    try run(Options(Array(CommandLine.arguments.dropFirst())))
} catch let error as UsageError {
    if !error.description.isEmpty { writeStderr("gensyn-verde: \(error.description)\n") }
    writeStderr(usage + "\n")
    exit(error.description.isEmpty ? 0 : 2)
} catch {
    writeStderr("gensyn-verde: \(error)\n")
    exit(1)
}
