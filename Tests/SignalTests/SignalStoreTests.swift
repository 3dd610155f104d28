import GensynTestSupport
import Testing
@testable import Signal

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SignalStoreTests {
    func config(_ dir: TempDir, _ edit: (inout SignalStoreConfiguration) -> Void = { _ in }) -> SignalStoreConfiguration {
        var c = SignalStoreConfiguration(directory: dir.store, segmentBytes: 64 << 10, preallocationBytes: 16 << 10)
        edit(&c)
        return c
    }

    @Test func appendReadReopen() throws {
        let dir = TempDir(); defer { dir.remove() }
        var expected: [EpisodeID: [[UInt8]]] = [:]
        do {
            let store = try SignalStore(config(dir))
            let a = store.newEpisode(), b = store.newEpisode()
            #expect(a != b)
            for i in 0..<50 {
                let e = i % 3 == 0 ? a : b
                let h = try store.append(NewRecord(episode: e, timestampMillis: Int64(i), body: body(i, size: i)))
                #expect(h.sequence == UInt64(i))
                #expect(Int(h.step) == expected[e, default: []].count)
                expected[e, default: []].append(body(i, size: i))
            }
            let batch = try store.append(contentsOf: (50..<60).map { NewRecord(episode: a, body: body($0)) })
            #expect(batch.map(\.sequence) == (50..<60).map(UInt64.init))
            expected[a]! += (50..<60).map { body($0) }
            #expect(try store.records(in: a).map(\.body) == expected[a])
        }
        let store = try SignalStore(config(dir))
        #expect(store.recoveryReport.isEmpty)
        #expect(store.episodes().count == 2)
        for (e, bodies) in expected {
            let r = try store.records(in: e)
            #expect(r.map(\.body) == bodies)
            #expect(r.map(\.header.step) == (0..<UInt32(bodies.count)).map { $0 })
        }
        var seen: [UInt64] = []
        try store.forEachRecord { seen.append($0.header.sequence) }
        #expect(seen == (0..<60).map(UInt64.init))
        // Sequences and steps continue after reopening.
        let e0 = store.episodes()[0]
        let h = try store.append(NewRecord(episode: e0, body: [1]))
        #expect(h.sequence == 60)
        #expect(Int(h.step) == expected[e0]!.count)
        #expect(store.newEpisode().rawValue > store.episodes().last!.rawValue)
    }

    @Test func rotatesSegments() throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(config(dir))
        for i in 0..<40 { try store.append(NewRecord(episode: EpisodeID(1), body: body(i, size: 5000))) }
        let stats = store.statistics()
        #expect(stats.segments >= 3)
        #expect(stats.records == 40)
        #expect(try store.records(in: EpisodeID(1)).map(\.body) == (0..<40).map { body($0, size: 5000) })
    }

    @Test func badInput() throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(config(dir) { $0.maxRecordBytes = 1000 })
        expectCode(.recordTooLarge) { () throws(SignalError) in try store.append(NewRecord(episode: EpisodeID(0), body: body(0, size: 1001))) }
        // A rejected batch appends nothing.
        expectCode(.recordTooLarge) { () throws(SignalError) in
            try store.append(contentsOf: [NewRecord(episode: EpisodeID(0), body: [1]), NewRecord(episode: EpisodeID(0), body: body(0, size: 5000))])
        }
        #expect(store.statistics().records == 0)
        try store.append(NewRecord(episode: EpisodeID(0), body: body(0, size: 1000)))
        #expect(store.statistics().records == 1)
        expectCode(.storeLocked) { () throws(SignalError) in try SignalStore(config(dir)) }
        #expect(try store.records(in: EpisodeID(99)).isEmpty)
        for bad in [
            config(dir) { $0.maxRecordBytes = 0 }, config(dir) { $0.segmentBytes = 100 },
            config(dir) { $0.retention.maxRecords = 0 }, config(dir) { $0.retention.maxBytes = 1000 },
            config(dir) { $0.directory = "" },
        ] {
            expectCode(.invalidConfiguration) { () throws(SignalError) in try SignalStore(bad) }
        }
    }

    /// Garbage after the last record (a torn write): recovered, reported, and the store appends on.
    @Test(arguments: [1, 7, 13, 100])
    func tornTailIsRecovered(garbage: Int) throws {
        let dir = TempDir(); defer { dir.remove() }
        do {
            let store = try SignalStore(config(dir) { $0.preallocationBytes = 0 })
            for i in 0..<10 { try store.append(NewRecord(episode: EpisodeID(0), body: body(i))) }
        }
        let seg = segmentFiles(dir.store).last!
        var bytes = fileBytes(seg)
        // Half a frame: a plausible header and part of a payload.
        var frame: [UInt8] = []
        LogFormat.appendFrame(RecordHeader(sequence: 10, episode: EpisodeID(0), step: 10, timestampMillis: 0, schemaVersion: 1),
                              sealed: false, body: body(10, size: 200), to: &frame)
        bytes += frame.prefix(garbage)
        writeFile(seg, bytes)
        expectCode(.corruptStore) { () throws(SignalError) in try SignalStore(config(dir) { $0.recovery = .failOnDamage }) }
        let store = try SignalStore(config(dir))
        #expect(store.recoveryReport.count == 1)
        #expect(store.recoveryReport[0].intactFramesDropped == 0)
        #expect(try store.records(in: EpisodeID(0)).map(\.body) == (0..<10).map { body($0) })
        try store.append(NewRecord(episode: EpisodeID(0), body: [9, 9]))
        #expect(try store.records(in: EpisodeID(0)).last!.body == [9, 9])
    }

    /// A file cut at random points keeps the complete records before the cut.
    @Test func truncatedFileKeepsPrefix() throws {
        let dir = TempDir(); defer { dir.remove() }
        do {
            let store = try SignalStore(config(dir) { $0.preallocationBytes = 0 })
            for i in 0..<30 { try store.append(NewRecord(episode: EpisodeID(UInt64(i % 2)), body: body(i, size: 30 + i))) }
        }
        let seg = segmentFiles(dir.store).last!
        let full = fileBytes(seg)
        var rng = SeededRandom(seed: 3)
        for _ in 0..<10 {
            let cut = LogFormat.segmentHeaderSize + Int(rng.next() % UInt64(full.count - LogFormat.segmentHeaderSize))
            writeFile(seg, Array(full[..<cut]))
            let store = try SignalStore(config(dir))
            var seqs: [UInt64] = []
            try store.forEachRecord { r in
                seqs.append(r.header.sequence)
                #expect(r.body == body(Int(r.header.sequence), size: 30 + Int(r.header.sequence)))
            }
            #expect(seqs == (0..<UInt64(seqs.count)).map { $0 })
            // Every frame that fitted entirely before the cut survives.
            var frameEnd = LogFormat.segmentHeaderSize, complete = 0
            for i in 0..<30 { frameEnd += 8 + 32 + 30 + i; if frameEnd <= cut { complete += 1 } }
            #expect(seqs.count == complete)
        }
    }

    /// Corruption in the middle: fail-on-damage refuses; the default keeps the valid prefix,
    /// reports the intact frames it dropped, and the store stays usable.
    @Test func midFileCorruption() throws {
        let dir = TempDir(); defer { dir.remove() }
        do {
            let store = try SignalStore(config(dir))
            for i in 0..<20 { try store.append(NewRecord(episode: EpisodeID(0), body: body(i))) }
        }
        let seg = segmentFiles(dir.store).last!
        var bytes = fileBytes(seg)
        let frame = 8 + 32 + 40
        bytes[LogFormat.segmentHeaderSize + 5 * frame + 50] ^= 0x10  // inside record 5's body
        writeFile(seg, bytes)
        expectCode(.corruptStore) { () throws(SignalError) in try SignalStore(config(dir) { $0.recovery = .failOnDamage }) }
        let store = try SignalStore(config(dir))
        #expect(store.recoveryReport.count == 1)
        #expect(store.recoveryReport[0].intactFramesDropped == 14)
        #expect(try store.records(in: EpisodeID(0)).map(\.body) == (0..<5).map { body($0) })
        let h = try store.append(NewRecord(episode: EpisodeID(0), body: [7]))
        #expect(h.sequence == 5 && h.step == 5)
    }

    /// Damage after open (a byte changed under a live store) is caught on read.
    @Test func corruptionAfterOpenIsATypedReadError() throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(config(dir))
        for i in 0..<3 { try store.append(NewRecord(episode: EpisodeID(0), body: body(i))) }
        let seg = segmentFiles(dir.store).last!
        var bytes = fileBytes(seg)
        bytes[LogFormat.segmentHeaderSize + 8 + 32 + 3] ^= 1
        let f = fopen(seg, "r+b")!
        fseek(f, 0, SEEK_SET)
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
        expectCode(.corruptRecord) { () throws(SignalError) in try store.records(in: EpisodeID(0)) }
    }

    @Test func damagedMetadataAndHeaders() throws {
        let dir = TempDir(); defer { dir.remove() }
        do { let s = try SignalStore(config(dir)); try s.append(NewRecord(episode: EpisodeID(0), body: [1])) }
        let meta = dir.store + "/signal.meta"
        let good = fileBytes(meta)
        var bad = good; bad[10] ^= 1
        writeFile(meta, bad)
        expectCode(.corruptStore) { () throws(SignalError) in try SignalStore(config(dir)) }
        writeFile(meta, Array(good.prefix(5)))
        expectCode(.corruptStore) { () throws(SignalError) in try SignalStore(config(dir)) }
        _ = unlink(meta)
        expectCode(.corruptStore) { () throws(SignalError) in try SignalStore(config(dir)) }
        writeFile(meta, good)
        // A segment from a future format version is refused, not misread.
        let seg = segmentFiles(dir.store).last!
        var bytes = fileBytes(seg)
        let future = LogFormat.encodeSegmentHeader(.init(formatVersion: 2, sealed: false, firstSequence: 0))
        bytes.replaceSubrange(0..<32, with: future)
        writeFile(seg, bytes)
        expectCode(.unsupportedFormatVersion) { () throws(SignalError) in try SignalStore(config(dir)) }
        // A segment with a broken header is dropped (reported) and the store keeps working.
        bytes.replaceSubrange(0..<8, with: Array("NOTALOG!".utf8))
        writeFile(seg, bytes)
        expectCode(.corruptStore) { () throws(SignalError) in try SignalStore(config(dir) { $0.recovery = .failOnDamage }) }
        let store = try SignalStore(config(dir))
        #expect(store.recoveryReport.count == 1)
        try store.append(NewRecord(episode: EpisodeID(0), body: [2]))
        #expect(try store.records(in: EpisodeID(0)).map(\.body) == [[2]])
    }

    @Test func retentionByCount() throws {
        let dir = TempDir(); defer { dir.remove() }
        let c = config(dir) { $0.retention = RetentionPolicy(maxRecords: 25) }
        do {
            let store = try SignalStore(c)
            for i in 0..<100 { try store.append(NewRecord(episode: EpisodeID(UInt64(i % 4)), body: body(i, size: 3000))) }
            var seqs: [UInt64] = []
            try store.forEachRecord { seqs.append($0.header.sequence) }
            #expect(seqs == (75..<100).map(UInt64.init))
            #expect(store.statistics().records == 25)
            // Old segments were deleted from disk, not only hidden: 25 records of ~3 KB span at
            // most 3 segments of 64 KiB (+ the active one's 16 KiB preallocation).
            #expect(store.statistics().fileBytes <= 3 * (64 << 10) + (16 << 10) + 3100)
            #expect(store.statistics().segments <= 3)
            #expect(try store.records(in: EpisodeID(1)).map(\.header.sequence) == stride(from: 77, to: 100, by: 4).map(UInt64.init))
        }
        let store = try SignalStore(c)
        #expect(store.statistics().records == 25)
    }

    @Test func retentionByAge() throws {
        let dir = TempDir(); defer { dir.remove() }
        let now = Mutex<Int64>(1_000_000)
        let c = config(dir) { $0.retention = RetentionPolicy(maxAgeMillis: 10_000); $0.clock = { now.withLock { $0 } } }
        let store = try SignalStore(c)
        for i in 0..<60 {
            now.withLock { $0 += 1000 }
            try store.append(NewRecord(episode: EpisodeID(0), body: body(i, size: 3000)))
        }
        // Records of the last 10 s (timestamps ≥ now − 10 000) remain visible.
        #expect(try store.records(in: EpisodeID(0)).map(\.header.sequence) == (49..<60).map(UInt64.init))
        now.withLock { $0 += 100_000 }
        try store.enforceRetention()
        #expect(store.statistics().records == 0)
        #expect(store.statistics().segments == 1)
        #expect(store.episodes().isEmpty)
    }

    @Test func retentionByBytes() throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(config(dir) { $0.retention = RetentionPolicy(maxBytes: 200 << 10); $0.preallocationBytes = 0 })
        for i in 0..<200 { try store.append(NewRecord(episode: EpisodeID(0), body: body(i, size: 4000))) }
        let s = store.statistics()
        #expect(s.fileBytes <= 200 << 10)
        #expect(s.records > 0 && s.records < 200)
        // What is left is the newest, contiguous suffix.
        let seqs = try store.records(in: EpisodeID(0)).map(\.header.sequence)
        #expect(seqs == ((200 - UInt64(s.records))..<200).map { $0 })
    }
}

import Synchronization
