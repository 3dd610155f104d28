import GensynTestSupport
import Testing
import Signal

#if canImport(Glibc)
import Glibc
#endif

/// A child process (`signal-crash-writer`) appends acknowledged records and prints each
/// acknowledged sequence right after `append` returns; it is SIGKILLed at seeded random moments.
/// After each kill the store must reopen with every acknowledged record intact.
@Suite(.serialized) struct CrashDurabilityTests {
    /// The helper sits next to the test bundle in the build directory.
    static func writerPath() -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        let exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var dir = String(exe[..<exe.lastIndex(of: "/")!])
        // swift test runs .build/<triple>/debug/<pkg>PackageTests.xctest
        if dir.hasSuffix(".xctest") { dir = String(dir[..<dir.lastIndex(of: "/")!]) }
        let path = dir + "/signal-crash-writer"
        return access(path, X_OK) == 0 ? path : nil
    }

    /// The writer's body for `counter` (mirrors Tests/signal-crash-writer/main.swift).
    static func expectedBody(seed: UInt64, counter: UInt64) -> [UInt8] {
        var x = seed &* 0x9E37_79B9_7F4A_7C15 &+ counter
        let n = Int(counter % 700) + 1
        return (0..<n).map { _ in
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            return UInt8(truncatingIfNeeded: x)
        }
    }

    /// Spawns the writer with stdout to `outPath`, waits `delayMicros` (after its first new
    /// acknowledgement when `afterFirstAck`, bounded by 10 s), SIGKILLs it.
    static func runAndKill(_ writer: String, store: String, seed: UInt64, batch: Int, outPath: String,
                           delayMicros: UInt32, afterFirstAck: Bool) throws {
        let before = fileBytes(outPath).count
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        let args = [writer, store, String(seed), String(batch)]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, writer, &actions, nil, &argv, environ)
        try #require(rc == 0, "posix_spawn failed: \(rc)")
        if afterFirstAck {
            var waited = 0
            while fileBytes(outPath).count == before && waited < 10_000 { usleep(1000); waited += 1 }
        }
        usleep(delayMicros)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        // Killed by our signal, not exited on an error of its own.
        #expect(status & 0x7f == SIGKILL, "writer ended with status \(status) instead of SIGKILL")
    }

    @Test func acknowledgedRecordsSurviveSIGKILL() throws {
        let writer = try #require(Self.writerPath(), "build signal-crash-writer first (swift build)")
        let dir = TempDir(); defer { dir.remove() }
        let out = dir.path + "/acked.txt"
        let seed: UInt64 = 20_261_126
        var rng = SeededRandom(seed: seed)
        var totalAcked = 0
        for round in 0..<14 {
            let batch = round % 3 == 2 ? 32 : 1
            // Most kills land while appending (0–60 ms after the first acknowledgement of this
            // run); every fourth lands anywhere in the first 40 ms (start-up, recovery, opening).
            let early = round % 4 == 3
            let delay = UInt32(early ? rng.next() % 40_000 : rng.next() % 60_000)
            try Self.runAndKill(writer, store: dir.store, seed: seed, batch: batch, outPath: out, delayMicros: delay, afterFirstAck: !early)

            let text = String(decoding: fileBytes(out), as: UTF8.self)
            // Only complete lines are acknowledgements (a line is one write(2)).
            let acked = text.split(separator: "\n", omittingEmptySubsequences: true).dropLast(text.hasSuffix("\n") ? 0 : 1)
                .compactMap { UInt64($0) }
            totalAcked = acked.count

            let store = try SignalStore(SignalStoreConfiguration(directory: dir.store))
            #expect(store.recoveryReport.allSatisfy { $0.intactFramesDropped == 0 || batch > 1 }, "\(store.recoveryReport)")
            var present: [UInt64] = []
            try store.forEachRecord { r in
                let s = r.header.sequence
                present.append(s)
                // Never a corrupt record: every byte is what the writer wrote for it.
                #expect(r.body == Self.expectedBody(seed: seed, counter: s), "record \(s) corrupt")
                #expect(r.header.timestampMillis == Int64(s) && r.header.episode == EpisodeID(s % 7))
            }
            // Contiguous from 0, and a superset of what was acknowledged.
            #expect(present == (0..<UInt64(present.count)).map { $0 }, "round \(round): gap in sequences")
            let missing = Set(acked).subtracting(present)
            #expect(missing.isEmpty, "round \(round): lost acknowledged records \(missing.sorted().prefix(5))")
            // Per episode, steps count up without gaps.
            for e in store.episodes() {
                let steps = try store.records(in: e).map(\.header.step)
                #expect(steps == (0..<UInt32(steps.count)).map { $0 })
            }
        }
        // The test exercised real appends, not only kills during start-up.
        #expect(totalAcked > 100, "only \(totalAcked) records acknowledged in all rounds")
    }

    /// While another process has the store open, opening it here is a typed error.
    @Test func otherProcessHoldsTheLock() throws {
        let writer = try #require(Self.writerPath(), "build signal-crash-writer first (swift build)")
        let dir = TempDir(); defer { dir.remove() }
        let out = dir.path + "/acked.txt"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let args: [String] = [writer, dir.store, "1", "1"]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        try #require(posix_spawn(&pid, writer, &actions, nil, &argv, environ) == 0)
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        // Wait (bounded) until the child has acknowledged a record, so it holds the store.
        var waited = 0
        while fileBytes(out).isEmpty && waited < 10_000 { usleep(1000); waited += 1 }
        try #require(!fileBytes(out).isEmpty, "writer acknowledged nothing in 10 s")
        expectCode(.storeLocked) { () throws(SignalError) in try SignalStore(SignalStoreConfiguration(directory: dir.store)) }
    }
}
