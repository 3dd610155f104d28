import Foundation
import RepOps
import Swarm

/// Command-line options of `probe`.
struct ProbeOptions {
    var questions = 100, samples = 8, difficulty = 1, drillSteps = 0, drillQuestions = 2
    var json = false
    var gpt = GPTSetup()

    init(_ args: [String]) throws {
        var i = 0
        func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
            guard i + 1 < args.count, let n = Int(args[i + 1]), range.contains(n) else {
                throw NodeOptions.Invalid(description: "\(name) needs an integer in \(range)")
            }
            i += 1
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--questions": questions = try number("--questions", 1...100_000)
            case "--completions": samples = try number("--completions", 1...64)
            case "--difficulty": difficulty = try number("--difficulty", 1...3)
            case "--drill": drillSteps = try number("--drill", 0...100_000)
            case "--drill-questions": drillQuestions = try number("--drill-questions", 1...64)
            case "--json": json = true
            default:
                guard try gpt.parse(args, &i) else { throw NodeOptions.Invalid(description: "unknown option \(args[i])") }
            }
            i += 1
        }
    }
}

extension GensynSwarm {
    /// `probe`: the base model's headroom per family (pass@1 at the sampling temperature, greedy
    /// accuracy, pass@k, groups with a learning signal) on held-out questions, then optionally a
    /// drill: SAPO steps on the same few questions per family, to check that the learner learns.
    static func runProbe(_ o: ProbeOptions) throws {
        let bases = try o.gpt.distinctBasePolicies(log: log)
        for (label, base) in bases {
            for family in o.gpt.families {
                var policy = base
                // Seeds from a stream no round or warm-up uses.
                let tasks = (0..<o.questions).map { k in
                    SwarmTask(try! TaskSpec(family: family, difficulty: o.difficulty, seed: SwarmRandom(seed: 0x9E0BE, streams: [UInt64(family.wireCode), UInt64(k)]).state))
                }
                let h = policy.headroom(tasks, samples: o.samples, seed: 1)
                var row: [String: Any] = ["family": family.rawValue, "questions": h.questions, "k": h.samples, "pass_at_1": h.sampledAccuracy,
                                          "greedy": h.greedyAccuracy, "pass_at_k": h.passAtK, "mean_reward": h.meanReward,
                                          "groups_with_signal": h.groupsWithSignal, "constant_answer": h.constantAnswer,
                                          "constant_answer_accuracy": h.constantAnswerAccuracy]
                if bases.count > 1 { row["base"] = label }
                if o.json { emit(row) } else {
                    print((bases.count > 1 ? "[\(label)] " : "") + String(format: "%@: pass@1 %.3f  greedy %.3f  pass@%d %.3f  mean reward %.3f  groups with signal %.2f (%d questions)",
                                 family.rawValue, h.sampledAccuracy, h.greedyAccuracy, h.samples, h.passAtK, h.meanReward, h.groupsWithSignal,
                                 h.questions) + String(format: "  always '%@' %.3f", h.constantAnswer, h.constantAnswerAccuracy))
                }
            }
        }
        guard o.drillSteps > 0 else { return }
        var policy = bases[0].policy
        let tasks = o.gpt.families.flatMap { family in
            (0..<o.drillQuestions).map { k in
                SwarmTask(try! TaskSpec(family: family, difficulty: o.difficulty, seed: SwarmRandom(seed: 0xD1, streams: [UInt64(family.wireCode), UInt64(k)]).state))
            }
        }
        let curve = policy.drill(tasks, completions: o.samples, steps: o.drillSteps, seed: 2)
        let window = max(1, min(10, curve.count / 2))
        let first = curve.prefix(window).reduce(0, +) / Float(window), last = curve.suffix(window).reduce(0, +) / Float(window)
        if o.json {
            emit(["drill_questions": tasks.count, "drill_steps": o.drillSteps, "reward_by_step": curve.map(Double.init),
                  "first_mean": Double(first), "last_mean": Double(last)])
        } else {
            print("drill: \(tasks.count) fixed questions, G = \(o.samples), \(o.drillSteps) SAPO steps: mean reward of the first \(window) steps "
                + "\(first), of the last \(window) \(last)")
            print("  by step: " + curve.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
    }
}
