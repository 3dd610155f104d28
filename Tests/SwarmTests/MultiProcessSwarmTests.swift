import Foundation
import GensynTestSupport
import Testing

/// A `gensyn-swarm node` child process whose stdout JSON lines are collected.
final class NodeProcess: @unchecked Sendable {
    let process = Process()
    let lock = NSLock()
    var lines: [[String: Any]] = []
    var buffer = Data()
    let name: String

    init(_ name: String, _ arguments: [String]) throws {
        self.name = name
        process.executableURL = NodeProcess.binary
        process.arguments = ["node", "--policy", "stand-in"] + arguments
        let out = Pipe()
        process.standardOutput = out
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("gensyn-swarm-test-\(name)-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.buffer.append(data)
            while let nl = self.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = self.buffer[self.buffer.startIndex..<nl]
                self.buffer.removeSubrange(self.buffer.startIndex...nl)
                if let obj = try? JSONSerialization.jsonObject(with: line) as? [String: Any] { self.lines.append(obj) }
            }
            self.lock.unlock()
        }
        try process.run()
    }

    /// The built executable next to the test bundle.
    static var binary: URL {
        let exe = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return exe.deletingLastPathComponent().appendingPathComponent("gensyn-swarm")
    }

    var snapshot: [[String: Any]] { lock.lock(); defer { lock.unlock() }; return lines }
    var rounds: [[String: Any]] { snapshot.filter { $0["round"] != nil } }

    /// Waits until `predicate` holds for some collected line; returns it.
    func wait(seconds: Double, _ what: String, _ predicate: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        // One last look after the deadline: on a loaded machine CPU-bound suites can starve this
        // task past the deadline while the node process kept printing.
        while true {
            if let hit = snapshot.first(where: predicate) { return hit }
            if Date() >= deadline { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw NodeFailure(description: "\(name): timed out waiting for \(what); last lines: \(snapshot.suffix(3))")
    }

    func address() async throws -> String {
        try await wait(seconds: 30, "listening address") { $0["listening"] != nil }["listening"] as! String
    }

    func kill() { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
    deinit { kill() }
}

struct NodeFailure: Error, CustomStringConvertible { let description: String }

@Suite("Multi-process swarm on loopback", .serialized)
struct MultiProcessSwarmTests {
    static let timeoutMillis = 1500

    static func start(_ name: String, peers: [String] = [], listen: String = "127.0.0.1:0", extra: [String] = []) throws -> NodeProcess {
        var args = ["--listen", listen, "--rounds", "0", "--timeout-ms", "\(timeoutMillis)", "--round-ms", "150", "--seed", "\(name.utf8.reduce(7) { $0 &* 31 &+ Int($1) } & 0xffff)"]
        if !peers.isEmpty { args += ["--peers", peers.joined(separator: ",")] }
        return try NodeProcess(name, args + extra)
    }

    static func received(_ line: [String: Any]) -> Set<String> { Set(line["received"] as? [String] ?? []) }
    static func rejected(_ line: [String: Any]) -> [String: String] { line["rejected"] as? [String: String] ?? [:] }

    @Test("rollouts flow; bad peers are rejected; a killed node stalls nobody beyond the timeout; a restart rejoins")
    func swarm() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: NodeProcess.binary.path), "build gensyn-swarm first (swift build)")
        let a = try Self.start("a")
        let addrA = try await a.address()
        let b = try Self.start("b", peers: [addrA])
        let c = try Self.start("c", peers: [addrA])
        let addrB = try await b.address(), addrC = try await c.address()
        let modes = ["malformed": "truncated", "oversized": "oversized", "utf8": "invalidUTF8", "wrong-round": "wrongRound"]
        var bad: [String: NodeProcess] = [:]
        for mode in modes.keys { bad[mode] = try Self.start("bad-\(mode)", peers: [addrA], extra: ["--bad", mode]) }
        var badAddress: [String: String] = [:]
        for (mode, p) in bad { badAddress[mode] = try await p.address() }
        defer { ([a, b, c] + Array(bad.values)).forEach { $0.kill() } }

        // 1. Rollouts flow between the good nodes; every bad peer is rejected with its reason.
        for (node, others) in [(a, [addrB, addrC]), (b, [addrA, addrC]), (c, [addrA, addrB])] {
            _ = try await node.wait(seconds: 30, "rollouts from \(others)") { Self.received($0).isSuperset(of: others) }
        }
        let rejections = try await a.wait(seconds: 30, "all bad peers rejected") { line in
            modes.allSatisfy { mode, code in Self.rejected(line)[badAddress[mode]!] == code }
        }
        #expect((rejections["external_groups"] as? Int ?? 0) >= 14)

        // 2. Kill c: rounds at a and b take at most the timeout (plus scheduling slack), then c is dropped.
        let lastBeforeKill = a.rounds.count
        c.kill()
        let dropped = try await a.wait(seconds: 30, "c dropped") { ($0["dropped"] as? [String] ?? []).contains(addrC) }
        let afterKill = a.rounds.dropFirst(lastBeforeKill)
        for line in afterKill {
            #expect((line["millis"] as? Int ?? .max) < Self.timeoutMillis + 4500, "a stalled: \(line)")  // slack for loaded CI machines
        }
        let droppedRound = dropped["round"] as! Int
        _ = try await a.wait(seconds: 10, "a round after the drop that still gets b") {
            ($0["round"] as? Int ?? -1) > droppedRound && Self.received($0).contains(addrB)
        }
        _ = try await b.wait(seconds: 30, "b drops c too") { ($0["dropped"] as? [String] ?? []).contains(addrC) }

        // 3. Restart c on the same address: it starts at the swarm's round and rollouts flow again.
        let c2 = try Self.start("c2", peers: [addrA], listen: addrC)
        defer { c2.kill() }
        #expect(try await c2.address() == addrC)
        let first = try await c2.wait(seconds: 30, "c's first round") { $0["round"] != nil }
        #expect((first["round"] as? Int ?? 0) >= droppedRound, "restarted c started at \(first)")
        _ = try await c2.wait(seconds: 30, "c receives from a and b") { Self.received($0).isSuperset(of: [addrA, addrB]) }
        _ = try await a.wait(seconds: 30, "a receives from c again") { ($0["round"] as? Int ?? -1) > droppedRound && Self.received($0).contains(addrC) }
        _ = try await b.wait(seconds: 30, "b receives from c again") { ($0["round"] as? Int ?? -1) > droppedRound && Self.received($0).contains(addrC) }
    }

    @Test("gensyn-swarm experiment --json prints exactly the documented keys")
    func experimentJSON() throws {
        let (status, out, _) = try Self.runCLI(["experiment", "--policy", "stand-in", "--nodes", "3", "--local", "2", "--external", "2",
                                                "--rounds", "3", "--seeds", "2", "--json"])
        #expect(status == 0)
        let data = Data(out.utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["config", "rounds", "seeds", "cumulative_reward_mean", "cumulative_reward_std", "reward_by_round"])
        #expect(object["config"] as? String == "2/2" && object["rounds"] as? Int == 3 && object["seeds"] as? Int == 2)
        let curve = try #require(object["reward_by_round"] as? [Double])
        #expect(curve.count == 3)
        #expect(abs(curve.reduce(0, +) - (object["cumulative_reward_mean"] as? Double ?? -1)) < 1e-4)
    }

    /// Runs the built gensyn-swarm; returns (exit status, stdout, stderr).
    static func runCLI(_ arguments: [String]) throws -> (Int32, String, String) {
        let r = try CommandRunner.run(NodeProcess.binary, arguments)
        return (r.status, r.out, r.err)
    }

    @Test("gensyn-swarm plot draws one curve per --json line of separately run configurations; bad input is refused")
    func plotMergesSeparateRuns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gensyn-swarm-plot-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [String] = []
        for config in ["4/0", "2/2"] {
            let parts = config.split(separator: "/").map(String.init)
            let (status, out, _) = try Self.runCLI(["experiment", "--policy", "stand-in", "--nodes", "3", "--local", parts[0], "--external", parts[1],
                                                    "--rounds", "4", "--seeds", "1", "--json"])
            #expect(status == 0)
            let path = dir.appendingPathComponent("run-\(parts[0])-\(parts[1]).json").path
            try out.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let svg = dir.appendingPathComponent("runs.svg").path
        let (status, _, _) = try Self.runCLI(["plot", "--out", svg, "--title", "two runs"] + files)
        #expect(status == 0)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<svg") && text.contains("two runs"))
        #expect(text.contains(">4/0</text>") && text.contains(">2/2</text>"))
        #expect(text.components(separatedBy: "<polyline").count - 1 == 4, "raw and smoothed line per curve")

        let bad = dir.appendingPathComponent("bad.json").path
        try "{\"config\": \"4/4\", \"reward_by_round\": [0.1, \"x\"]}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let (badStatus, _, badErr) = try Self.runCLI(["plot", "--out", dir.appendingPathComponent("bad.svg").path, bad])
        #expect(badStatus == 2)
        #expect(badErr.contains("bad.json line 1 is not an `experiment --json` line"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.svg").path))
        let (noOut, _, noOutErr) = try Self.runCLI(["plot", files[0]])
        #expect(noOut == 2 && noOutErr.contains("--out FILE.svg"))
    }
}
