// gensyn-verde: Verde's refereed delegation on the SYNTHETIC workload (no RepOps training yet:
// each op's "output" is a Keccak digest of its inputs; see SyntheticModel in Docs/Verde.md).
//
// gensyn-verde dispute --steps N --fault <kind>[:step[:op]] [--seed S] [--params P] [--json]
//   kinds: bitflip, batch, lr, skip, lie, silent, none
import Verde

#if canImport(Glibc)
import Glibc
#endif

struct UsageError: Error, CustomStringConvertible {
    let description: String
}

let usage = """
usage: gensyn-verde dispute --steps N --fault <kind>[:step[:op]] [--seed S] [--params P] [--json]
  Trains a SYNTHETIC job twice (honest party A, cheater B with the fault), runs the dispute, reports.
  kinds: bitflip, batch, lr, skip, lie, silent, none (step/op drawn from the seed when omitted)
"""

struct Options {
    var steps = 64
    var faultKind = "bitflip"
    var faultStep: Int?
    var faultOp: Int?
    var seed: UInt64 = 1
    var params = 8
    var json = false

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
        if let k = faultOp, k >= 3 * params + 3 {
            throw UsageError(description: "--fault op \(k) is beyond the \(3 * params + 3) ops of a step")
        }
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func json(_ value: Int?) -> String { value.map(String.init) ?? "null" }
func json(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "null" }

func run(_ options: Options) throws {
    let model = SyntheticModel(parameterCount: options.params)
    let job = try model.job(steps: options.steps, seed: options.seed)
    // Deterministic draws from the seed (xorshift), so a run can be repeated.
    var state = options.seed &* 0x9E37_79B9_7F4A_7C15 | 1
    func draw(_ bound: Int) -> Int {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Int(state % UInt64(bound))
    }
    let step = options.faultStep ?? 1 + draw(options.steps)
    let op = options.faultOp ?? draw(model.opCount)
    let fault: SyntheticFault? = switch options.faultKind {
    case "bitflip", "silent": .bitflip(step: step, op: op)
    case "batch": .batch(step: step)
    case "lr": .learningRate(step: step, value: model.learningRate + 1)
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
    let truth = try SyntheticTrainer.firstDivergence(honest, cheater)

    var behaviors: [Disputant: PartyBehavior] = [:]
    if options.faultKind == "silent" {
        let full = LocalDispute.run(job: job, a: honest, b: cheater, reexecutor: SyntheticReexecutor())
        behaviors[.b] = .silent(fromRound: 1 + draw(max(1, full.rounds)))
    }
    writeStderr("gensyn-verde: dispute…\n")
    let outcome = LocalDispute.run(job: job, a: honest, b: cheater, behaviors: behaviors, reexecutor: SyntheticReexecutor())
    let verdict = outcome.verdict
    let winner: String? = switch verdict.winner {
    case .a?: "honest"
    case .b?: "cheater"
    case nil: nil
    }
    var opKind: String?
    if let s = verdict.step, let k = verdict.op { opKind = try honest.trace(step: s).ops[k].kind }
    let stepMs = jobSeconds * 1000 / Double(options.steps)
    if options.json {
        print("{\"fault\": \"\(options.faultKind)\", \"injected_step\": \(json(truth?.step)), \"injected_op\": \(json(truth?.op)), "
            + "\"found_step\": \(json(verdict.step)), \"found_op\": \(json(verdict.op)), \"op_kind\": \(json(opKind)), "
            + "\"winner\": \(json(winner)), \"rounds\": \(outcome.rounds), \"bytes\": \(outcome.bytes), "
            + "\"referee_ms\": \(outcome.refereeSeconds * 1000), \"step_ms\": \(stepMs), \"job_ms\": \(jobSeconds * 1000)}")
    } else {
        print("""
        SYNTHETIC workload (Keccak digests stand in for tensors; RepOps training plugs in later)
        job:       \(options.steps) steps × \(model.opCount) ops, seed \(options.seed), id \(job.digest)
        fault:     \(fault.map { "\($0)" } ?? "none")\(options.faultKind == "silent" ? " + stops answering" : "")
        injected:  step \(json(truth?.step)), op \(json(truth?.op)) (true first divergence)
        verdict:   \(verdict)
        found:     step \(json(verdict.step)), op \(json(verdict.op)) \(opKind ?? "")
        winner:    \(winner ?? "none")
        cost:      \(outcome.rounds) rounds, \(outcome.bytes) bytes, largest message \(outcome.largestMessage) bytes
        time:      referee \(outcome.refereeSeconds * 1000) ms, one step \(stepMs) ms, whole job \(jobSeconds * 1000) ms
        """)
    }
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
