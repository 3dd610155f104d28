// gensyn-delphi: evaluation markets from the command line.
//   gensyn-delphi replay <script.json>      run a script of market operations, print JSON
//   gensyn-delphi simulate [--out chart.svg] [--seed N] [--outcomes N] [--rounds N] [--rule lmsr|parimutuel]
//   gensyn-delphi bench [--quick] [--json]  quote/trade throughput (same as gensyn-bench --filter lmsr)
import BenchmarkSupport
import Delphi
import DelphiBenchmarks
import Foundation

func fail(_ message: String, code: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("gensyn-delphi: \(message)\n".utf8))
    exit(code)
}

let usage = """
    usage: gensyn-delphi replay <script.json>
           gensyn-delphi simulate [--out FILE.svg] [--seed N] [--outcomes N] [--rounds N] [--rule lmsr|parimutuel]
           gensyn-delphi bench [--quick] [--json]
    """

var args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail(usage) }
args.removeFirst()

switch command {
case "replay":
    guard args.count == 1 else { fail(usage) }
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: args[0])) } catch { fail("cannot read \(args[0]): \(error.localizedDescription)") }
    do {
        print(try MarketReplay.run(data).serialized())
    } catch {
        print(ReplayJSON.object([("error", .string(error.description))]).serialized())
        exit(1)
    }

case "simulate":
    var p = EvalMarketSimulation.Parameters()
    var out = "delphi-simulation.svg"
    var i = 0
    func value() -> String {
        i += 1
        guard i < args.count else { fail("\(args[i - 1]) needs a value\n\(usage)") }
        return args[i]
    }
    while i < args.count {
        switch args[i] {
        case "--out": out = value()
        case "--seed": p.seed = UInt64(value()) ?? { fail("--seed needs an integer") }()
        case "--outcomes": p.outcomes = Int(value()) ?? { fail("--outcomes needs an integer") }()
        case "--rounds": p.rounds = Int(value()) ?? { fail("--rounds needs an integer") }()
        case "--rule": p.rule = MarketConfiguration.Rule(rawValue: value()) ?? { fail("--rule is lmsr or parimutuel") }()
        default: fail("unknown option \(args[i])\n\(usage)")
        }
        i += 1
    }
    guard (2...10).contains(p.outcomes), (1...200).contains(p.rounds) else { fail("--outcomes must be 2…10 and --rounds 1…200") }
    let result: EvalMarketSimulation.Result
    do { result = try EvalMarketSimulation(p).run() } catch { fail("simulation failed: \(error)") }
    let chart = SVGLineChart(
        title: "Delphi \(p.rule.rawValue) eval market: \(p.outcomes) models, \(p.rounds) eval rounds (seed \(p.seed))",
        series: (0..<p.outcomes).map { k in
            (name: "model \(k) (\(String(format: "%.3f", result.trueScores[k])))\(result.winners.contains(k) ? " *" : "")",
             values: result.prices.map { $0[k] })
        },
        markers: result.roundStarts)
    do { try chart.render().write(toFile: out, atomically: true, encoding: .utf8) } catch { fail("cannot write \(out): \(error)") }
    print(String(format: "trades %d (refused %d); winner(s) %@; informed P&L %.4f, noise P&L %.4f, maker P&L %.4f; chart: %@",
                 result.trades, result.failedTrades, result.winners.map(String.init).joined(separator: ","),
                 result.informedPnL, result.noisePnL, result.makerPnL, out))

case "bench":
    do { try BenchmarkCommand(arguments: args).run(DelphiBenchmarks.all()) } catch { fail("\(error)") }

default:
    fail(usage)
}
