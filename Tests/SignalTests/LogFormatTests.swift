import GensynTestSupport
import Testing
@testable import Signal

/// The pure framing and scanning layer: no I/O.
@Suite struct LogFormatTests {
    func frames(_ n: Int) -> (bytes: [UInt8], ends: [Int]) {
        var out = [UInt8](repeating: 0, count: LogFormat.segmentHeaderSize)
        var ends: [Int] = []
        for i in 0..<n {
            let h = RecordHeader(sequence: UInt64(10 + i), episode: EpisodeID(UInt64(i % 3)), step: UInt32(i / 3),
                                 timestampMillis: Int64(1000 + i), schemaVersion: 2)
            LogFormat.appendFrame(h, sealed: false, body: body(i, size: i * 5), to: &out)
            ends.append(out.count)
        }
        return (out, ends)
    }

    func scan(_ b: [UInt8]) -> LogFormat.Scan {
        b.withUnsafeBytes { LogFormat.scan($0, from: LogFormat.segmentHeaderSize, maxPayload: 1 << 20, after: nil) }
    }

    @Test func roundTrip() {
        let (b, ends) = frames(20)
        let s = scan(b + [UInt8](repeating: 0, count: 100))
        #expect(s.tail == .clean)
        #expect(s.end == ends.last!)
        #expect(s.frames.count == 20)
        for (i, f) in s.frames.enumerated() {
            #expect(f.header == RecordHeader(sequence: UInt64(10 + i), episode: EpisodeID(UInt64(i % 3)), step: UInt32(i / 3),
                                              timestampMillis: Int64(1000 + i), schemaVersion: 2))
            #expect(Array(b[f.bodyRange]) == body(i, size: i * 5))
        }
    }

    /// A log cut at every byte keeps exactly the frames that end before the cut.
    @Test func everyTruncationKeepsTheCompletePrefix() {
        let (b, ends) = frames(6)
        for cut in LogFormat.segmentHeaderSize...b.count {
            let s = scan(Array(b[..<cut]))
            let complete = ends.filter { $0 <= cut }.count
            #expect(s.frames.count == complete, "cut \(cut)")
            #expect(s.end == (complete == 0 ? LogFormat.segmentHeaderSize : ends[complete - 1]))
            if cut == s.end { #expect(s.tail == .clean) } else {
                guard case .damaged(let offset, _, let intact) = s.tail else { Issue.record("cut \(cut): \(s.tail)"); continue }
                #expect(offset == s.end)
                #expect(intact == 0)
            }
        }
    }

    /// Any single flipped bit stops the scan at or before the flipped frame, never yields it.
    @Test func bitFlipsAreDetected() {
        let (b, ends) = frames(8)
        var rng = SeededRandom(seed: 42)
        for _ in 0..<300 {
            var d = b
            let at = LogFormat.segmentHeaderSize + Int(rng.next() % UInt64(b.count - LogFormat.segmentHeaderSize))
            d[at] ^= UInt8(1) << (rng.next() % 8)
            let s = scan(d)
            let damagedFrame = ends.firstIndex(where: { $0 > at })!
            #expect(s.frames.count == damagedFrame)
            guard case .damaged(_, _, let intact) = s.tail else { Issue.record("flip at \(at) not detected"); continue }
            // Frames after the damage are still intact and counted (they are dropped with it).
            #expect(intact <= 8 - damagedFrame - 1)
        }
    }

    @Test func segmentHeaderChecks() throws {
        let h = LogFormat.SegmentHeader(formatVersion: 1, sealed: true, firstSequence: 77)
        let bytes = LogFormat.encodeSegmentHeader(h)
        #expect(bytes.count == LogFormat.segmentHeaderSize)
        #expect(try bytes.withUnsafeBytes { try LogFormat.decodeSegmentHeader($0, path: "x") } == h)
        var bad = bytes
        bad[20] ^= 1
        expectCode(.corruptStore) { () throws(SignalError) in try withBytes(bad) { (r) throws(SignalError) in try LogFormat.decodeSegmentHeader(r, path: "x") } }
        let future = LogFormat.SegmentHeader(formatVersion: 9, sealed: false, firstSequence: 0)
        let fb = LogFormat.encodeSegmentHeader(future)
        expectCode(.unsupportedFormatVersion) { () throws(SignalError) in try withBytes(fb) { (r) throws(SignalError) in try LogFormat.decodeSegmentHeader(r, path: "x") } }
    }
}

extension LogFormatTests {
    /// Megabytes of random bytes after a damaged frame (an encrypted store's worst case) are
    /// scanned in bounded time: field checks run before any checksum.
    @Test func resynchronisingOverRandomBytesIsLinear() {
        let (b, _) = frames(3)
        var rng = SeededRandom(seed: 9)
        let noise = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let s = scan(b + noise)
        #expect(s.frames.count == 3)
        guard case .damaged(_, _, let intact) = s.tail else { Issue.record("\(s.tail)"); return }
        #expect(intact == 0)
    }
}
