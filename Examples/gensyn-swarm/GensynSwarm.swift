// gensyn-swarm: runs one real Swarm node over gRPC on loopback or a LAN, or an in-process swarm
// experiment. The policy is the RepOps GPT with the SAPO learner (from a cached, deterministic
// base model), or with `--policy stand-in` a seeded noisy solver for fast transport tests.
import Foundation
import RepOps
import Swarm
import SwarmGRPC

@main
struct GensynSwarm {
    static let usage = """
        usage: gensyn-swarm node --listen HOST:PORT [--advertise HOST:PORT] [--peers HOST:PORT,...] [--rounds N] [--seed S]
                                 [--timeout-ms MS] [--round-ms MS] [--difficulty 1-3] [--completions G]
                                 [--local I] [--external J] [--bad MODE] [--policy gpt|stand-in] [--skill P]
                                 [GPT options]

          Runs one Swarm node. Progress goes to stderr; stdout has one JSON object per line: first
          {"listening": ...}, then one per round. --rounds 0 runs until killed. Port 0 picks a free port.
          The seed defaults to a hash of the node's address. The node's id is its address as peers
          reach it: the bound address, or --advertise (needed with --listen 0.0.0.0:PORT).
          --policy stand-in: a seeded noisy solver (not a neural network; --skill P), for fast tests.
          --bad MODE makes this node a bad peer for tests: malformed, oversized, utf8, wrong-round.

               gensyn-swarm experiment --nodes N --local I --external J --rounds R --seeds S [--json] [--plot out.svg]
                                       [--configs I/J,I/J,...] [--completions G] [--questions-per-family K]
                                       [--difficulty 1-3] [--first-seed K] [--policy gpt|stand-in] [GPT options]

          Runs an in-process swarm (N nodes, lock-step rounds, everything seeded) and reports the
          cumulative reward per node and in total (mean ± std over seeds). --configs runs several
          I/J configurations on the same base model (e.g. 8/0,6/2,4/4,2/6). With --json prints one
          line per configuration: {"config": "I/J", "rounds", "seeds", "cumulative_reward_mean",
          "cumulative_reward_std", "reward_by_round"}. --plot writes the reward-by-round curves (SVG).
          --first-seed K runs seeds K...K+S-1 (split the seeds of a study over processes; a seed's run
          does not depend on which process runs it).

               gensyn-swarm probe [--questions N] [--completions K] [--difficulty 1-3] [--drill STEPS]
                                  [--drill-questions Q] [--json] [GPT options]

          Measures the base model per family on N held-out questions: pass@1 (sampled at the
          temperature), greedy accuracy, pass@K, and the fraction of groups of K with a learning
          signal. --drill STEPS then runs SAPO steps on Q fixed questions per family (a bandit) and
          prints the mean reward per step: a working learner drives it up.

               gensyn-swarm plot --out FILE.svg [--title T] RUNS.json...

          Draws the reward-by-round curves of experiment runs made separately (one process per
          configuration, or on several machines) from their --json lines, one curve per line.

          GPT options: --families f1,f2 (default basic_arithmetic,base_conversion,fraction_simplification,
          propositional_logic) --warmup-steps N (300) --lr X (1e-3) --temperature T (1)
          --iterations MU (SAPO steps per round against one π_old, 1) --max-tokens N (completion budget, 12)
          --width W (32) --layers L (2) --heads H (2) --warmup-lr X (3e-3)
          --cache DIR (base models; default $GENSYN_SWARM_CACHE or ~/.cache/gensyn-swarm)
          --node-warmups F[+F...]:STEPS,... (heterogeneous nodes: node i warms up on entry i mod count,
          e.g. propositional_logic:100,basic_arithmetic:1000; questions still come from --families;
          probe reports every distinct base)
          --node-sizes WxL[xH],... (heterogeneous model sizes: node i gets width W, layers L, heads H (2),
          hidden 4·W from entry i mod count, e.g. 32x2,48x3; overrides --width/--layers/--heads; combines
          with --node-warmups, each taken i mod its own count; probe reports every distinct base)
        """

    static func main() async {
        var args = Array(CommandLine.arguments.dropFirst())
        switch args.first {
        case "experiment": await exitOnError { try await runExperiment(ExperimentOptions(Array(args.dropFirst()))) }; return
        case "probe": await exitOnError { try runProbe(ProbeOptions(Array(args.dropFirst()))) }; return
        case "plot": await exitOnError { try runPlot(PlotOptions(Array(args.dropFirst()))) }; return
        case "node": break
        default:
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            exit(args.first == "--help" || args.first == "-h" ? 0 : 2)
        }
        args.removeFirst()
        await exitOnError {
            let options = try NodeOptions(args)
            switch options.policy {
            case .standIn: try await runNode(options, policy: NoisySolverPolicy(skill: options.skill))
            case .gpt: try await runNode(options, policy: options.gpt.basePolicy(log: log))
            }
        }
    }

    /// Runs a subcommand; on an error prints it with the usage and exits with status 2.
    static func exitOnError(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            FileHandle.standardError.write(Data("gensyn-swarm: \(error)\n\n\(usage)\n".utf8))
            exit(2)
        }
    }

    static func emit(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    static func runNode<Policy: SwarmPolicy>(_ o: NodeOptions, policy: Policy) async throws {
        let grpc = GRPCSwarmTransport(host: o.listen.host, port: o.listen.port, bootstrap: o.peers)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await grpc.serve() }
            let me = try await grpc.listeningAddress(advertise: o.advertise)
            emit(["listening": me])
            _ = await grpc.refreshPeers()
            let start = grpc.observedRound
            let transport = ExampleTransport(inner: grpc, bad: o.bad)
            let config = SwarmNodeConfig(
                nodeID: me, seed: o.seed ?? fnv1a(me), families: o.policy == .gpt ? o.gpt.families : TaskFamily.allCases,
                difficulty: o.difficulty, completionsPerQuestion: o.completions,
                localSamples: o.local, externalSamples: o.external,
                exchange: PeerExchange.Config(fetchTimeoutMillis: o.timeoutMillis, retryIntervalMillis: 100),
                questionsPerFamily: o.questionsPerFamily)
            var node = SwarmNode(config: config, transport: transport, policy: policy, startingRound: start)
            log("node \(me): starting at round \(start) with peers \(o.peers.map(\.description)); \(node.policy.summary)")
            var done = 0
            let clock = ContinuousClock()
            while o.rounds == 0 || done < o.rounds {
                let began = clock.now
                let r = await node.runRound(log: { log("node \(me): \($0)") })
                var winners: [String] = []
                if case .roundClosed(_, let w, _) = r.closed { winners = w }
                log("node \(me) round \(r.round): local reward \(r.localMeanReward), from \(r.exchange.received.count) peers "
                    + "(\(r.exchange.external.count) groups), rejected \(r.exchange.rejected.count), timed out \(r.exchange.timedOut.count), "
                    + "batch \(r.batch.local.count)+\(r.batch.external.count), \(r.millis) ms, \(node.policy.summary)")
                var line: [String: Any] = [
                    "round": r.round, "node": me, "received": r.exchange.received,
                    "rejected": r.exchange.rejected.mapValues { $0.code.description },
                    "timed_out": r.exchange.timedOut, "dropped": r.exchange.dropped, "millis": r.millis,
                    "local_reward": Double(r.localMeanReward), "external_groups": r.exchange.external.count,
                    "published_bytes": r.publishedBytes, "winners": winners,
                ]
                if let gpt = node.policy as? GPTPolicy {
                    let s = gpt.statistics
                    line["generated_tokens"] = s.generatedTokens
                    line["trained_tokens"] = s.trainedTokens
                    line["generation_millis"] = s.generationNanoseconds / 1_000_000
                    line["training_millis"] = s.trainingNanoseconds / 1_000_000
                }
                emit(line)
                done += 1
                let elapsed = clock.now - began
                if elapsed < .milliseconds(o.roundMillis) { try? await Task.sleep(for: .milliseconds(o.roundMillis) - elapsed) }
            }
            grpc.shutdown()
            group.cancelAll()
        }
    }
}

/// FNV-1a of the node address: the default seed, so that nodes differ but a node's run is reproducible.
func fnv1a(_ text: String) -> UInt64 {
    text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// Command-line options of `node`.
struct NodeOptions {
    var listen = PeerAddress("127.0.0.1:0")!
    var advertise: PeerAddress?
    var peers: [PeerAddress] = []
    var rounds = 0
    var seed: UInt64?
    var timeoutMillis: UInt64 = 3000
    var roundMillis: Int64 = 200
    var difficulty = 1
    var completions = 4
    var local = 4
    var external = 4
    var skill: Float = 0.3
    var bad: BadMode?
    var policy = PolicyKind.gpt
    var gpt = GPTSetup()
    var questionsPerFamily = 1

    struct Invalid: Error, CustomStringConvertible { let description: String }

    init(_ args: [String]) throws {
        var i = 0
        func value() throws -> String {
            guard i + 1 < args.count else { throw Invalid(description: "\(args[i]) needs a value") }
            i += 1
            return args[i]
        }
        func number<T: LosslessStringConvertible>(_ name: String) throws -> T {
            let v = try value()
            guard let n = T(v) else { throw Invalid(description: "\(name): '\(v)' is not a valid number") }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--listen":
                let v = try value()
                guard let a = PeerAddress(v) else { throw Invalid(description: "--listen: '\(v)' is not HOST:PORT") }
                listen = a
            case "--advertise":
                let v = try value()
                guard let a = PeerAddress(v) else { throw Invalid(description: "--advertise: '\(v)' is not HOST:PORT") }
                advertise = a
            case "--peers":
                peers = try value().split(separator: ",").map { s in
                    guard let a = PeerAddress(String(s)) else { throw Invalid(description: "--peers: '\(s)' is not HOST:PORT") }
                    return a
                }
            case "--rounds": rounds = try number("--rounds")
            case "--seed": seed = try number("--seed") as UInt64
            case "--timeout-ms": timeoutMillis = try number("--timeout-ms")
            case "--round-ms": roundMillis = try number("--round-ms")
            case "--difficulty": difficulty = try number("--difficulty")
            case "--completions": completions = try number("--completions")
            case "--local": local = try number("--local")
            case "--external": external = try number("--external")
            case "--skill": skill = try number("--skill")
            case "--questions-per-family": questionsPerFamily = try number("--questions-per-family")
            case "--policy":
                let v = try value()
                guard let p = PolicyKind(rawValue: v) else { throw Invalid(description: "--policy: '\(v)' is not gpt or stand-in") }
                policy = p
            case "--bad":
                let v = try value()
                guard let m = BadMode(rawValue: v) else { throw Invalid(description: "--bad: '\(v)' is not one of malformed, oversized, utf8, wrong-round") }
                bad = m
            default:
                guard try gpt.parse(args, &i) else { throw Invalid(description: "unknown option \(args[i])") }
            }
            i += 1
        }
        guard (1...64).contains(questionsPerFamily) else { throw Invalid(description: "--questions-per-family must be 1...64") }
        // One process is one node: give it its own warm-up with --families/--warmup-steps.
        guard gpt.nodeWarmups.isEmpty else { throw Invalid(description: "--node-warmups is for experiment and probe; a node uses --families/--warmup-steps") }
        guard gpt.nodeSizes.isEmpty else { throw Invalid(description: "--node-sizes is for experiment and probe; a node uses --width/--layers/--heads") }
        guard rounds >= 0, (1...3).contains(difficulty), (1...64).contains(completions) else {
            throw Invalid(description: "--rounds must be ≥ 0, --difficulty 1...3, --completions 1...64")
        }
    }
}

/// How a deliberately bad peer corrupts its publications (for the bad-peer tests).
enum BadMode: String {
    case malformed, oversized, utf8, wrongRound = "wrong-round"

    func corrupt(_ payload: [UInt8], round: UInt64) -> [UInt8] {
        switch self {
        case .malformed: return Array(payload.prefix(payload.count / 2))
        case .oversized: return payload + [UInt8](repeating: 0x41, count: 2 << 20)
        case .utf8:
            // Re-encode with a completion whose bytes are then made invalid UTF-8.
            guard var p = try? RolloutCodec.decode(payload), let g = p.groups.first else { return payload }
            let marker = "\u{1}\u{2}\u{3}\u{4}"
            let bad = RolloutGroup(spec: g.spec, question: g.question, completions: [marker] + g.completions.dropFirst(), rewards: g.rewards)
            p = RolloutPublication(round: p.round, nodeID: p.nodeID, groups: [bad] + p.groups.dropFirst())
            var bytes = RolloutCodec.encode(p)
            if let i = bytes.indices.dropLast(3).first(where: { bytes[$0] == 1 && bytes[$0 + 1] == 2 && bytes[$0 + 2] == 3 && bytes[$0 + 3] == 4 }) {
                bytes.replaceSubrange(i..<(i + 4), with: [0xFF, 0xFE, 0xC0, 0x80])
            }
            return bytes
        case .wrongRound:
            guard let p = try? RolloutCodec.decode(payload) else { return payload }
            return RolloutCodec.encode(RolloutPublication(round: round &+ 1000, nodeID: p.nodeID, groups: p.groups))
        }
    }
}

/// The gRPC transport, optionally corrupting what it publishes.
struct ExampleTransport: SwarmTransport {
    let inner: GRPCSwarmTransport
    let bad: BadMode?

    func publish(round: UInt64, payload: [UInt8]) async {
        await inner.publish(round: round, payload: bad?.corrupt(payload, round: round) ?? payload)
    }
    func fetch(from peer: String, round: UInt64, timeoutMillis: UInt64) async -> FetchOutcome {
        await inner.fetch(from: peer, round: round, timeoutMillis: timeoutMillis)
    }
    func refreshPeers() async -> [String] { await inner.refreshPeers() }
    func forget(_ peer: String) async { await inner.forget(peer) }
}
