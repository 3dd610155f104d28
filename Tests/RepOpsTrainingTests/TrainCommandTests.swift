import Foundation
import GensynTestSupport
import RepOps
import Testing

/// `gensyn-repops train --json` (the executable sits next to the test bundle after `swift build`).
@Suite("gensyn-repops train")
struct TrainCommandTests {
    static func executable() -> String? {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // swift test may run .build/<triple>/debug/<pkg>PackageTests.xctest
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        let path = dir.appendingPathComponent("gensyn-repops").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    func run(_ exe: String, _ env: [String: String], out: String, extra: [String] = []) throws -> [String: Any] {
        let r = try CommandRunner.run(URL(fileURLWithPath: exe), ["train", "--steps", "3", "--out", out, "--json"] + extra, environment: env)
        #expect(r.status == 0)
        let last = try #require(r.out.split(separator: "\n").last)
        return try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    }

    @Test func jsonContractAndDigestIndependentOfThreadsAndISA() throws {
        let exe = try #require(Self.executable(), "build gensyn-repops first (swift build)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("repops-train-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try run(exe, ["REPOPS_THREADS": "1", "REPOPS_ISA": "portable"], out: dir + "/a.ckpt")
        let b = try run(exe, ["REPOPS_THREADS": "2"], out: dir + "/b.ckpt")
        #expect(a["steps"] as? Int == 3)
        #expect((a["final_loss"] as? Double).map { $0 > 0 && $0 < 6 } == true)
        let digest = try #require(a["checkpoint_digest"] as? String)
        #expect(digest.count == 64)
        #expect(b["checkpoint_digest"] as? String == digest)
        let loaded = try Checkpoint.load(from: dir + "/a.ckpt", corpus: ByteTokenizer().encode(TinyCorpus.text))
        #expect(loaded.digestHex == digest)
        #expect(loaded.trainer.stepCount == 3)
        #expect(FileManager.default.fileExists(atPath: dir + "/a.ckpt.loss.svg"))
    }

    /// `--trace FILE` streams every op of every step; the file is byte-identical for every
    /// REPOPS_THREADS and REPOPS_ISA (tree digests included), and `trace-show` summarises it.
    @Test func traceFilesAreIdenticalForEveryThreadCountAndISA() throws {
        let exe = try #require(Self.executable(), "build gensyn-repops first (swift build)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("repops-trace-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try run(exe, ["REPOPS_THREADS": "1", "REPOPS_ISA": "portable"], out: dir + "/a.ckpt", extra: ["--trace", dir + "/a.trace"])
        let b = try run(exe, ["REPOPS_THREADS": "2"], out: dir + "/b.ckpt", extra: ["--trace", dir + "/b.trace"])
        #expect(a["checkpoint_digest"] as? String == b["checkpoint_digest"] as? String)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.trace"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/b.trace")) == bytes)
        let records = try TraceFile.read(path: dir + "/a.trace")
        #expect(a["trace_records"] as? Int == records.count)
        #expect(Set(records.map(\.step)) == [0, 1, 2])
        #expect(records.contains { $0.outputShape.reduce(1, *) > 2048 }, "tree digests are exercised")

        let shown = try CommandRunner.run(URL(fileURLWithPath: exe), ["trace-show", dir + "/a.trace"])
        #expect(shown.status == 0)
        let text = shown.out
        #expect(text.hasPrefix("\(records.count) records in 3 steps"))
        #expect(text.contains("adamw.p: \(records.filter { $0.kind == "adamw.p" }.count)"))
    }
}
