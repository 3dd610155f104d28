// gensyn-swarm: runs one real Swarm node over gRPC on loopback or a LAN.
//
// The policy is a STAND-IN (a seeded noisy solver, not a neural network) until the RepOps GPT
// and its SAPO learner exist; everything else (tasks, verifiers, exchange, coordinator replica,
// transport) is the real thing.
import Foundation
import Swarm
import SwarmGRPC

@main
struct GensynSwarm {
    static let usage = """
        usage: gensyn-swarm node --listen HOST:PORT [--advertise HOST:PORT] [--peers HOST:PORT,...] [--rounds N] [--seed S]
                                 [--timeout-ms MS] [--round-ms MS] [--difficulty 1-3] [--completions G]
                                 [--local I] [--external J] [--skill P] [--bad MODE]

          Runs one Swarm node (STAND-IN policy: a seeded noisy solver, not a neural network).
          Progress goes to stderr; stdout has one JSON object per line: first {"listening": ...},
          then one per round. --rounds 0 runs until killed. Port 0 picks a free port.
          The seed defaults to a hash of the node's address. The node's id is its address as peers
          reach it: the bound address, or --advertise (needed with --listen 0.0.0.0:PORT).
          --bad MODE makes this node a bad peer for tests: malformed, oversized, utf8, wrong-round.

               gensyn-swarm experiment --nodes N --local I --external J --rounds R --seeds S [--json]
                                       [--completions G] [--difficulty 1-3]

          Runs an in-process swarm and reports cumulative reward per node and in total (mean ± std
          over seeds). The policy is the STAND-IN noisy solver until the RepOps GPT lands: its
          "learning" grows with the number of groups it trains on, so these numbers test the
          harness, not SAPO. With --json prints {"config": "I/J", "rounds", "seeds",
          "cumulative_reward_mean", "cumulative_reward_std", "reward_by_round"}.
        """

    static func main() async {
        var args = Array(CommandLine.arguments.dropFirst())
        if args.first == "experiment" {
            do {
                try await runExperiment(ExperimentOptions(Array(args.dropFirst())))
            } catch {
                FileHandle.standardError.write(Data("gensyn-swarm: \(error)\n\n\(usage)\n".utf8))
                exit(2)
            }
            return
        }
        guard args.first == "node" else {
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            exit(args.first == "--help" || args.first == "-h" ? 0 : 2)
        }
        args.removeFirst()
        do {
            let options = try NodeOptions(args)
            try await runNode(options)
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

    static func runNode(_ o: NodeOptions) async throws {
        let grpc = GRPCSwarmTransport(host: o.listen.host, port: o.listen.port, bootstrap: o.peers)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await grpc.serve() }
            let me = try await grpc.listeningAddress(advertise: o.advertise)
            emit(["listening": me])
            _ = await grpc.refreshPeers()
            let start = grpc.observedRound
            let transport = ExampleTransport(inner: grpc, bad: o.bad)
            let config = SwarmNodeConfig(
                nodeID: me, seed: o.seed ?? fnv1a(me), difficulty: o.difficulty, completionsPerQuestion: o.completions,
                localSamples: o.local, externalSamples: o.external,
                exchange: PeerExchange.Config(fetchTimeoutMillis: o.timeoutMillis, retryIntervalMillis: 100))
            var node = SwarmNode(config: config, transport: transport, policy: NoisySolverPolicy(skill: o.skill), startingRound: start)
            log("node \(me): starting at round \(start) with peers \(o.peers.map(\.description)) (STAND-IN policy: noisy solver)")
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
                emit([
                    "round": r.round, "node": me, "received": r.exchange.received,
                    "rejected": r.exchange.rejected.mapValues { $0.code.description },
                    "timed_out": r.exchange.timedOut, "dropped": r.exchange.dropped, "millis": r.millis,
                    "local_reward": Double(r.localMeanReward), "external_groups": r.exchange.external.count,
                    "published_bytes": r.publishedBytes, "winners": winners,
                ])
                done += 1
                let elapsed = clock.now - began
                if elapsed < .milliseconds(o.roundMillis) { try? await Task.sleep(for: .milliseconds(o.roundMillis) - elapsed) }
            }
            grpc.shutdown()
            group.cancelAll()
        }
    }
}

extension GensynSwarm {
    static func runExperiment(_ o: ExperimentOptions) async throws {
        log("STAND-IN policy (seeded noisy solver, not a neural network): results test the harness, not SAPO")
        let config = SwarmExperiment.Config(nodes: o.nodes, localSamples: o.local, externalSamples: o.external, rounds: o.rounds,
                                            completionsPerQuestion: o.completions, difficulty: o.difficulty)
        var runs: [SwarmExperiment.Run] = []
        for seed in 0..<o.seeds {
            let run = await SwarmExperiment.run(config, seed: UInt64(seed)) { _ in NoisySolverPolicy(skill: 0.2, learningRate: 0.002) }
            log("seed \(seed): cumulative reward \(run.cumulativeReward)")
            runs.append(run)
        }
        let (mean, std) = SwarmExperiment.meanAndStd(runs.map(\.cumulativeReward))
        let byRound = (0..<o.rounds).map { r in runs.map { Double($0.rewardByRound[r]) }.reduce(0, +) / Double(runs.count) }
        if o.json {
            emit(["config": "\(o.local)/\(o.external)", "rounds": o.rounds, "seeds": o.seeds, "cumulative_reward_mean": mean,
                  "cumulative_reward_std": std, "reward_by_round": byRound])
            return
        }
        print("config \(o.local)/\(o.external), \(o.nodes) nodes, \(o.rounds) rounds, \(o.seeds) seeds (STAND-IN policy)")
        for node in 0..<o.nodes {
            let (m, s) = SwarmExperiment.meanAndStd(runs.map { $0.cumulativeRewardPerNode[node] })
            print("  node \(node): cumulative reward \(m) ± \(s)")
        }
        print("  swarm (mean over nodes, summed over rounds): \(mean) ± \(std)")
    }
}

/// Command-line options of `experiment`.
struct ExperimentOptions {
    var nodes = 8, local = 4, external = 4, rounds = 100, seeds = 3, completions = 8, difficulty = 1
    var json = false

    init(_ args: [String]) throws {
        var i = 0
        func number(_ name: String) throws -> Int {
            guard i + 1 < args.count, let n = Int(args[i + 1]) else { throw NodeOptions.Invalid(description: "\(name) needs an integer") }
            i += 1
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--nodes": nodes = try number("--nodes")
            case "--local": local = try number("--local")
            case "--external": external = try number("--external")
            case "--rounds": rounds = try number("--rounds")
            case "--seeds": seeds = try number("--seeds")
            case "--completions": completions = try number("--completions")
            case "--difficulty": difficulty = try number("--difficulty")
            case "--json": json = true
            default: throw NodeOptions.Invalid(description: "unknown option \(args[i])")
            }
            i += 1
        }
        guard (1...256).contains(nodes), local >= 0, external >= 0, (1...100_000).contains(rounds), (1...1000).contains(seeds),
            (1...64).contains(completions), (1...3).contains(difficulty)
        else {
            throw NodeOptions.Invalid(description: "need 1 ≤ nodes ≤ 256, I, J ≥ 0, 1 ≤ rounds ≤ 100000, 1 ≤ seeds ≤ 1000, 1 ≤ G ≤ 64, difficulty 1...3")
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
            case "--bad":
                let v = try value()
                guard let m = BadMode(rawValue: v) else { throw Invalid(description: "--bad: '\(v)' is not one of malformed, oversized, utf8, wrong-round") }
                bad = m
            default: throw Invalid(description: "unknown option \(args[i])")
            }
            i += 1
        }
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
