// gensyn-signal: Signal's local preference tuning, end to end, on simulated users.
//
//   gensyn-signal codeassist-sim [--json] [--out DIR] [--seed N]
//   gensyn-signal gridworld [--json] [--out DIR] [--seed N]
//
// Progress goes to stderr; with --json the last stdout line is the run's summary object.
import Foundation
import Signal

let usage = """
    usage: gensyn-signal codeassist-sim [--json] [--out DIR] [--seed N]
           gensyn-signal gridworld [--json] [--out DIR] [--seed N]

      codeassist-sim  a simulated coder who names variables in snake_case accepts or rejects a tiny
                      local model's completions; Signal records them, DPO tunes the model, and the
                      acceptance rate on held-out prompts is measured before and after.
      gridworld       a BlockAssist-like grid world: the assistant suggests moves, a simulated player
                      who prefers vertical moves first accepts or overrides them; reward-weighted
                      behaviour cloning tunes the assistant.
      --json          print the summary as one JSON object on the last stdout line
      --out DIR       where the SVG plot and the parameter delta go (default: current directory)
      --seed N        simulation seed (default 1)

    """

struct Options {
    var json = false
    var out = FileManager.default.currentDirectoryPath
    var seed: UInt64 = 1
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("gensyn-signal: \(message)\n".utf8))
    exit(2)
}

func progress(_ message: String) { FileHandle.standardError.write(Data("\(message)\n".utf8)) }

var args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
args.removeFirst()
var options = Options()
while let a = args.first {
    args.removeFirst()
    switch a {
    case "--json": options.json = true
    case "--out":
        guard let v = args.first else { fail("--out needs a directory") }
        args.removeFirst()
        options.out = v
    case "--seed":
        guard let v = args.first, let s = UInt64(v) else { fail("--seed needs a non-negative integer") }
        args.removeFirst()
        options.seed = s
    case "-h", "--help":
        print(usage)
        exit(0)
    default: fail("unknown argument '\(a)'\n\(usage)")
    }
}

do {
    try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
    switch command {
    case "codeassist-sim": try CodeAssistSimulation(seed: options.seed).run(options)
    case "gridworld": try GridWorldSimulation(seed: options.seed).run(options)
    default: fail("unknown command '\(command)'\n\(usage)")
    }
} catch let error as SignalError {
    fail(error.description)
} catch {
    fail("\(error)")
}
