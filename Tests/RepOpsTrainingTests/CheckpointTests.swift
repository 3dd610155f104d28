import Foundation
import GensynPrimitives
import RepOps
import Testing

@Suite("RepOps checkpoints")
struct CheckpointTests {
    let corpus = ByteTokenizer().encode(TinyCorpus.text)

    func trained(_ steps: Int) throws -> GPTTrainer {
        var t = try tinyTrainer()
        for _ in 0..<steps { try t.step() }
        return t
    }

    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("repops-ckpt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func roundTripAndResumeMatchUninterruptedTraining() throws {
        let t2 = try trained(2)
        let bytes = Checkpoint(t2).encoded()
        var resumed = try Checkpoint(decoding: bytes, corpus: corpus).trainer
        #expect(Checkpoint(resumed).encoded() == bytes)
        #expect(resumed.stepCount == 2 && resumed.optimizer.step == 2)
        var straight = t2
        for _ in 0..<2 {
            try resumed.step()
            try straight.step()
        }
        #expect(resumed.parameters.digestHex == straight.parameters.digestHex)
        #expect(Checkpoint(resumed).digestHex == Checkpoint(straight).digestHex)
        #expect(Checkpoint(resumed).digestHex != Checkpoint(t2).digestHex)
        #expect(Array(bytes.suffix(32)) == Keccak256.hash(Array(bytes.dropLast(32))))
    }

    @Test func corruptedFilesGiveTypedErrors() throws {
        let bytes = Checkpoint(try trained(1)).encoded()
        func code(_ b: [UInt8]) -> CheckpointError.Code? {
            do { _ = try Checkpoint(decoding: b, corpus: corpus); return nil } catch { return error.code }
        }
        #expect(code(Array(bytes.prefix(20))) == .truncated)
        #expect(code(Array(bytes.dropLast(100))) == .digestMismatch)
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(code(flipped) == .digestMismatch)
        var magic = bytes
        magic[0] = 0x58
        #expect(code(magic) == .badMagic)
        var version = bytes
        version[8] = 9
        #expect(code(version) == .unsupportedVersion)

        // Valid digest, bad dtype tag of the first tensor.
        func resealed(_ body: [UInt8]) -> [UInt8] { body + Keccak256.hash(body) }
        var body = Array(bytes.dropLast(32))
        let firstTensor = try #require(firstIndex(of: [Tensor.float32Tag, 2, 0, 0, 0], in: body))
        body[firstTensor] = 0x02
        #expect(code(resealed(body)) == .malformed)

        // Valid digest, a parameter of the wrong shape.
        var wrong = try trained(0)
        wrong.parameters["ln_f.weight"] = try Tensor.zeros([3])
        #expect(code(Checkpoint(wrong).encoded()) == .shapeMismatch)

        // Valid digest, a huge width in the header: rejected before anything is allocated.
        var huge = Array(bytes.dropLast(32))
        huge[28..<36] = [0, 0, 0, 0x40, 0, 0, 0, 0][...]   // width = 2^30
        #expect(code(resealed(huge)) == .shapeMismatch)

        // Valid digest, trailing bytes.
        #expect(code(resealed(Array(bytes.dropLast(32)) + [0])) == .malformed)
    }

    func firstIndex(of needle: [UInt8], in hay: [UInt8]) -> Int? {
        (0...(hay.count - needle.count)).first { Array(hay[$0..<($0 + needle.count)]) == needle }
    }

    @Test func saveIsAtomicAndAFailedSaveKeepsThePreviousFile() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.ckpt"
        let first = Checkpoint(try trained(1))
        try first.save(to: path)
        #expect(try Checkpoint.load(from: path, corpus: corpus) == first)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        // Block the temp path: the next save fails with a typed error; the old file survives.
        try FileManager.default.createDirectory(atPath: path + ".tmp", withIntermediateDirectories: false)
        #expect(throws: CheckpointError.self) { try Checkpoint(try trained(2)).save(to: path) }
        #expect(try Checkpoint.load(from: path, corpus: corpus) == first)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(from: dir + "/missing", corpus: corpus) }
    }
}
