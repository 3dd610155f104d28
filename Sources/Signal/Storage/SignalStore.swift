import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signal's local, append-only, crash-safe record store: a directory of length-framed,
/// CRC-32C-checked log segments.
///
/// **Durability.** ``append(_:)`` and ``append(contentsOf:)`` return only after the records'
/// bytes were written and `fdatasync` returned for the segment file (and, for a newly created
/// segment, after `fsync` of the file and of the directory). An acknowledged record therefore
/// survives SIGKILL and power loss, provided the disk honours flushes. Concurrent appends are
/// group-committed: callers that arrive while a flush is running share the next one.
///
/// Reads see acknowledged records only. One writer at a time: the directory is locked (see `StoreLock`);
/// a second open, in this or another process, fails with `storeLocked`.
public final class SignalStore: Sendable {
    /// The configuration the store was opened with.
    public let configuration: SignalStoreConfiguration
    /// Damage found and dropped at open (empty for a clean store).
    public let recoveryReport: [SegmentDamage]

    let lock: StoreLock
    let sealed: Bool
    let staging: Mutex<Staging>
    let writer: Mutex<Writer>
    let index: Mutex<StoreIndex>
    /// Runs the async appenders' flushes (serial: one flusher at a time).
    let flushQueue = DispatchQueue(label: "gensyn.signal.flush")

    struct Staging: ~Copyable {
        var pending: [UInt8] = []
        var pendingHeaders: [(header: RecordHeader, length: Int)] = []
        var nextSequence: UInt64
        var nextStep: [EpisodeID: UInt32]
        var nextEpisode: UInt64
        /// Mirror of the writer's durable end and failure, published after every flush together
        /// with resuming the async waiters it covered (so no wake-up is lost).
        var durableEnd: UInt64
        var failure: SignalError? = nil
        /// A flusher is draining the staged records for async callers.
        var flushing = false
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<SignalError?, Never>)] = []
        /// ``close()`` was called: nothing more is staged.
        var closed = false
    }

    struct Writer: ~Copyable {
        var active: FileHandle
        var activeID: UInt64
        var writeOffset: Int
        var allocatedEnd: Int
        /// Every sequence below this is durable (or failed, see `failure`).
        var durableEnd: UInt64
        var failure: SignalError?
        /// `fdatasync`s of record data so far (group commit shows as fewer syncs than appends).
        var syncs = 0
        /// ``close()`` released the segment file.
        var closed = false
    }

    /// Opens (or creates) the store in `configuration.directory`, recovering from a crash.
    ///
    /// - Throws: ``SignalError`` — `invalidConfiguration`, `storeLocked`, `encryptionMismatch`,
    ///   `wrongKey`, `unsupportedFormatVersion`, `corruptStore` (with ``RecoveryPolicy/failOnDamage``
    ///   or unreadable metadata), `ioFailure`.
    public init(_ configuration: SignalStoreConfiguration) throws(SignalError) {
        try configuration.validate()
        self.configuration = configuration
        let dir = configuration.directory
        try FileIO.makeDirectory(dir)
        lock = try StoreLock(directory: dir)
        sealed = try StoreMetadata.openOrCreate(directory: dir, sealer: configuration.sealer)

        var opened = try Self.recover(configuration, sealed: sealed)
        recoveryReport = opened.damage
        let last = opened.index.segments.last!
        let active = opened.activeFile
        let nextSequence = opened.nextSequence
        staging = Mutex(Staging(nextSequence: nextSequence, nextStep: opened.nextStep, nextEpisode: opened.nextEpisode,
                                durableEnd: nextSequence))
        writer = Mutex(Writer(active: active, activeID: last.id, writeOffset: last.logicalEnd,
                              allocatedEnd: opened.activeSize, durableEnd: nextSequence, failure: nil))
        opened.index.retention = configuration.retention
        opened.index.activeReserve = configuration.segmentBytes + configuration.preallocationBytes
        index = Mutex(opened.index)
        try enforceRetention()
    }

    // MARK: Closing

    static let closedError = SignalError(.storeClosed, "the store was closed; open a new SignalStore on the directory to use it again")

    /// Makes every record staged so far durable, then releases the segment file and the
    /// directory lock, so the directory can be opened again at once (here or by another process).
    /// Idempotent. Afterwards appends, `records(in:)`, `forEachRecord(_:)` and
    /// `enforceRetention()` throw `storeClosed`; `episodes()`, `statistics()` and `newEpisode()`
    /// answer from memory. Without `close()`, the same happens when the last reference goes away.
    ///
    /// - Throws: `ioFailure` when the final flush failed (those records were not acknowledged;
    ///   their callers got the same error).
    public func close() throws(SignalError) {
        staging.withLock { $0.closed = true }
        let (end, failure) = writer.withLock { w -> (UInt64, SignalError?) in
            guard !w.closed else { return (w.durableEnd, nil) }
            if w.failure == nil { flushPending(&w) }
            let failure = w.failure
            w.closed = true
            w.failure = failure ?? Self.closedError
            w.active.release()
            return (w.durableEnd, failure)
        }
        publish(durableEnd: end, failure: failure ?? Self.closedError)
        lock.release()
        if let failure { throw failure }
    }

    private func checkOpen() throws(SignalError) {
        if staging.withLock({ $0.closed }) { throw Self.closedError }
    }

    // MARK: Appending

    /// Appends one record and returns once it is durable (see the type's durability note).
    ///
    /// - Throws: `recordTooLarge`, `wrongKey`/`encodingFailed` from the sealer, `ioFailure`
    ///   (after which the store refuses writes until reopened).
    @discardableResult
    public func append(_ record: NewRecord) throws(SignalError) -> RecordHeader {
        try append(contentsOf: [record])[0]
    }

    /// Appends records in order with one write and one `fdatasync` (group commit) and returns
    /// their headers once all are durable. Within the batch each record is framed separately: a
    /// crash before the return may keep any prefix of the batch, never a damaged record.
    ///
    /// Blocks the calling thread until the sync; from Swift concurrency prefer the `async`
    /// overload, which suspends instead and lets one task sync for all waiting ones.
    @discardableResult
    public func append(contentsOf records: [NewRecord]) throws(SignalError) -> [RecordHeader] {
        guard !records.isEmpty else { return [] }
        let headers = try stage(records)
        // The first caller in writes everything staged so far; later callers find their records
        // already durable.
        let mine = headers.last!.sequence
        let (end, failure) = writer.withLock { w -> (UInt64, SignalError?) in
            if w.durableEnd > mine { return (w.durableEnd, nil) }
            if let failure = w.failure { return (w.durableEnd, failure) }
            flushPending(&w)
            return (w.durableEnd, w.failure)
        }
        publish(durableEnd: end, failure: failure)
        if let failure, end <= mine { throw failure }
        return headers
    }

    /// Appends one record; suspends (without blocking a thread) until it is durable.
    @discardableResult
    public func append(_ record: NewRecord) async throws(SignalError) -> RecordHeader {
        try await append(contentsOf: [record])[0]
    }

    /// Like the blocking ``append(contentsOf:)``, for Swift concurrency: the caller stages its
    /// records and suspends; a flusher on a dispatch queue writes and syncs everything staged —
    /// repeatedly, while records keep arriving — and resumes each caller once its records are
    /// durable.
    @discardableResult
    public func append(contentsOf records: [NewRecord]) async throws(SignalError) -> [RecordHeader] {
        guard !records.isEmpty else { return [] }
        let headers = try stage(records)
        let mine = headers.last!.sequence
        let failure: SignalError? = await withCheckedContinuation { (continuation: CheckedContinuation<SignalError?, Never>) in
            enum Next { case done(SignalError?), wait, lead }
            let next = staging.withLock { s -> Next in
                if s.durableEnd > mine { return .done(nil) }
                if let f = s.failure { return .done(f) }
                s.waiters.append((mine, continuation))
                if s.flushing { return .wait }
                s.flushing = true
                return .lead
            }
            switch next {
            case .done(let f): continuation.resume(returning: f)
            case .wait: break
            // Blocking I/O runs on a dispatch thread, not the cooperative pool: tasks keep
            // staging (and joining the next sync) while it syncs.
            case .lead: flushQueue.async { self.drain() }
            }
        }
        if let failure { throw failure }
        return headers
    }

    /// The flusher's loop: flush what is staged, resume covered waiters, until nothing is staged
    /// (leadership is released under the staging lock, so a new arrival starts a new flusher).
    private func drain() {
        while true {
            let (end, failure) = writer.withLock { w -> (UInt64, SignalError?) in
                if w.failure == nil { flushPending(&w) }
                return (w.durableEnd, w.failure)
            }
            if publish(durableEnd: end, failure: failure, releasingLeadership: true) { return }
        }
    }

    /// Publishes a flush result to the staging side and resumes the async waiters it covers (all
    /// of them after a failure). Returns whether leadership was released (nothing left staged).
    @discardableResult
    private func publish(durableEnd end: UInt64, failure: SignalError?, releasingLeadership: Bool = false) -> Bool {
        let (ready, released) = staging.withLock { s in
            s.durableEnd = max(s.durableEnd, end)
            if let failure { s.failure = failure }
            var ready: [(CheckedContinuation<SignalError?, Never>, SignalError?)] = []
            s.waiters.removeAll { w in
                if w.sequence < s.durableEnd { ready.append((w.continuation, nil)); return true }
                if let f = s.failure { ready.append((w.continuation, f)); return true }
                return false
            }
            var released = false
            if releasingLeadership && (s.pending.isEmpty || s.failure != nil) {
                s.flushing = false
                released = true
            }
            return (ready, released)
        }
        for (continuation, error) in ready { continuation.resume(returning: error) }
        return released
    }

    /// Takes everything staged and flushes it; a failure poisons the writer. Writer lock held.
    private func flushPending(_ w: inout Writer) {
        let (bytes, entries) = staging.withLock { s in
            defer { s.pending = []; s.pendingHeaders = [] }
            return (s.pending, s.pendingHeaders)
        }
        do throws(SignalError) {
            try flush(bytes, entries, &w)
        } catch {
            w.failure = SignalError(.ioFailure, "\(error.message); the store refuses writes until reopened")
        }
    }

    /// Validates, assigns sequence numbers and steps, and frames records into the staging buffer
    /// (file order = sequence order). On a sealer error nothing of the batch remains staged.
    private func stage(_ records: [NewRecord]) throws(SignalError) -> [RecordHeader] {
        for (i, r) in records.enumerated() where r.body.count > configuration.maxRecordBytes {
            throw SignalError(.recordTooLarge,
                "record \(i) has a \(r.body.count)-byte body; maxRecordBytes is \(configuration.maxRecordBytes): split it or raise the limit")
        }
        let now = configuration.clock()
        let sealer = configuration.sealer
        let maxEpisode = records.lazy.map(\.episode.rawValue).max()!
        let frameBytes = records.reduce(0) { $0 + LogFormat.frameHeaderSize + LogFormat.recordHeaderSize + $1.body.count }
        let headers = try staging.withLock { (s) throws(SignalError) -> [RecordHeader] in
            guard !s.closed else { throw Self.closedError }
            var headers: [RecordHeader] = []
            headers.reserveCapacity(records.count)
            var steps: [EpisodeID: UInt32] = [:]
            var sequence = s.nextSequence
            let start = s.pending.count, startHeaders = s.pendingHeaders.count
            s.pending.reserveCapacity(start + frameBytes + (sealer == nil ? 0 : 64 * records.count))
            for r in records {
                let step = steps[r.episode] ?? s.nextStep[r.episode] ?? 0
                let h = RecordHeader(sequence: sequence, episode: r.episode, step: step,
                                     timestampMillis: r.timestampMillis ?? now, schemaVersion: r.schemaVersion)
                let length: Int
                if let sealer {
                    do throws(SignalError) {
                        let body = try sealer.seal(r.body, associatedData: LogFormat.associatedData(h))
                        length = LogFormat.appendFrame(h, sealed: true, body: body, to: &s.pending)
                    } catch {
                        s.pending.removeSubrange(start...)
                        s.pendingHeaders.removeSubrange(startHeaders...)
                        throw error
                    }
                } else {
                    length = LogFormat.appendFrame(h, sealed: false, body: r.body, to: &s.pending)
                }
                s.pendingHeaders.append((h, length))
                headers.append(h)
                steps[r.episode] = step &+ 1
                sequence += 1
            }
            s.nextStep.merge(steps) { _, new in new }
            s.nextSequence = sequence
            if s.nextEpisode <= maxEpisode { s.nextEpisode = maxEpisode + 1 }
            return headers
        }
        return headers
    }

    /// Writes staged frames, syncs, and publishes them to readers. Called with the writer lock.
    private func flush(_ bytes: [UInt8], _ entries: [(header: RecordHeader, length: Int)], _ w: inout Writer) throws(SignalError) {
        guard let first = entries.first else { return }
        if w.writeOffset > LogFormat.segmentHeaderSize && w.writeOffset + bytes.count > configuration.segmentBytes {
            try rotate(&w, firstSequence: first.header.sequence)
        }
        let end = w.writeOffset + bytes.count
        try w.active.write(bytes, at: w.writeOffset)
        if end > w.allocatedEnd {
            if configuration.preallocationBytes > 0 {
                try w.active.write(Self.zeros(configuration.preallocationBytes), at: end)
                w.allocatedEnd = end + configuration.preallocationBytes
            } else {
                w.allocatedEnd = end
            }
        }
        try w.active.sync(dataOnly: true)
        w.syncs += 1
        let segment = w.activeID
        var offset = w.writeOffset
        w.writeOffset = end
        w.durableEnd = entries.last!.header.sequence + 1
        index.withLock { ix in
            for e in entries {
                ix.add(Location(header: e.header, segment: segment, offset: offset, length: e.length))
                offset += e.length
            }
            ix.segments[ix.segments.count - 1].logicalEnd = end
            ix.segments[ix.segments.count - 1].fileSize = w.allocatedEnd
        }
    }

    /// Seals the active segment (drops its preallocated zeros) and starts a new one.
    private func rotate(_ w: inout Writer, firstSequence: UInt64) throws(SignalError) {
        try w.active.truncate(to: w.writeOffset)
        try w.active.sync(dataOnly: false)
        let id = w.activeID + 1
        let file = try Self.createSegment(configuration, id: id, firstSequence: firstSequence, sealed: sealed)
        let end = w.writeOffset
        w.active = file
        w.activeID = id
        w.writeOffset = LogFormat.segmentHeaderSize
        w.allocatedEnd = LogFormat.segmentHeaderSize
        let dir = configuration.directory
        let deleted = index.withLock { ix in
            ix.segments[ix.segments.count - 1].fileSize = end
            ix.segments.append(SegmentInfo(id: id, path: Self.segmentPath(dir, id), logicalEnd: LogFormat.segmentHeaderSize,
                                           fileSize: LogFormat.segmentHeaderSize))
            return ix.applyRetention(now: configuration.clock())
        }
        for path in deleted { try FileIO.remove(path) }
        if !deleted.isEmpty { try FileIO.syncDirectory(dir) }
    }

    /// Starts a new episode: an id above every episode the store has seen.
    public func newEpisode() -> EpisodeID {
        staging.withLock { s in
            defer { s.nextEpisode += 1 }
            return EpisodeID(s.nextEpisode)
        }
    }

    /// Deletes segments whose records are all out of the retention policy (called at open and
    /// on every segment rotation; call it to apply an age limit promptly).
    public func enforceRetention() throws(SignalError) {
        try checkOpen()
        let now = configuration.clock()
        let deleted = index.withLock { $0.applyRetention(now: now) }
        for path in deleted { try FileIO.remove(path) }
        if !deleted.isEmpty { try FileIO.syncDirectory(configuration.directory) }
    }

    // MARK: Reading

    /// Episodes with at least one visible record, ascending.
    public func episodes() -> [EpisodeID] {
        let now = configuration.clock()
        return index.withLock { ix in
            ix.episodes.keys.filter { ix.visible(episode: $0, now: now).isEmpty == false }.sorted()
        }
    }

    /// The visible records of `episode`, in step order (empty for an unknown episode).
    ///
    /// - Throws: `corruptRecord` if a record's bytes changed since written, `wrongKey`, `ioFailure`.
    public func records(in episode: EpisodeID) throws(SignalError) -> [StoredRecord] {
        try checkOpen()
        let now = configuration.clock()
        let locations = index.withLock { $0.visible(episode: episode, now: now) }
        return try read(locations)
    }

    /// Calls `body` with every visible record in sequence order, reading one segment at a time.
    public func forEachRecord(_ body: (StoredRecord) throws(SignalError) -> Void) throws(SignalError) {
        try checkOpen()
        let now = configuration.clock()
        let locations = index.withLock { $0.visibleAll(now: now) }
        var start = 0
        while start < locations.count {
            var end = start
            while end < locations.count && locations[end].segment == locations[start].segment && end - start < 4096 { end += 1 }
            for r in try read(Array(locations[start..<end])) { try body(r) }
            start = end
        }
    }

    /// Number of data `fdatasync`s since open (for tests and diagnostics).
    package func syncCount() -> Int { writer.withLock { $0.syncs } }

    /// Counts and sizes.
    public func statistics() -> SignalStoreStatistics {
        let now = configuration.clock()
        return index.withLock { ix in
            let visible = ix.visibleAll(now: now)
            return SignalStoreStatistics(
                records: visible.count, episodes: Set(visible.map(\.episode)).count,
                logicalBytes: ix.locations.reduce(0) { $0 + $1.length },
                fileBytes: ix.segments.reduce(0) { $0 + $1.fileSize }, segments: ix.segments.count)
        }
    }

    /// Reads locations (all from any segments), verifying checksums and opening sealed bodies.
    private func read(_ locations: [Location]) throws(SignalError) -> [StoredRecord] {
        guard !locations.isEmpty else { return [] }
        var out: [StoredRecord] = []
        out.reserveCapacity(locations.count)
        var handles: [UInt64: FileHandle] = [:]
        var i = 0
        while i < locations.count {
            // Coalesce neighbouring frames of one segment into one read.
            var j = i + 1
            while j < locations.count && locations[j].segment == locations[i].segment
                && locations[j].offset == locations[j - 1].offset + locations[j - 1].length && j - i < 4096 { j += 1 }
            let seg = locations[i].segment
            let handle: FileHandle
            if let h = handles[seg] { handle = h } else {
                let path = Self.segmentPath(configuration.directory, seg)
                guard FileIO.exists(path) else {
                    // Deleted by retention since the locations were taken: those records expired.
                    i = j
                    continue
                }
                handle = try FileHandle(path: path, flags: O_RDONLY)
                handles[seg] = handle
            }
            let start = locations[i].offset
            let total = locations[j - 1].offset + locations[j - 1].length - start
            let bytes = try handle.read(at: start, count: total)
            try withBytes(bytes) { (raw) throws(SignalError) in
                for k in i..<j {
                    let loc = locations[k]
                    let rel = loc.offset - start
                    guard rel + loc.length <= raw.count,
                        let frame = LogFormat.parseFrame(raw, at: rel, maxPayload: SignalStoreConfiguration.formatMaxPayload).frame,
                        frame.length == loc.length, frame.header.sequence == loc.sequence
                    else {
                        throw SignalError(.corruptRecord,
                            "record \(loc.sequence) in \(handle.path) @\(loc.offset) changed since it was written (checksum mismatch)")
                    }
                    var body = Array(raw[frame.bodyRange])
                    if frame.sealed {
                        guard let sealer = configuration.sealer else {
                            throw SignalError(.encryptionMismatch, "record \(loc.sequence) is sealed but no sealer is configured")
                        }
                        body = try sealer.open(body, associatedData: LogFormat.associatedData(frame.header))
                    }
                    out.append(StoredRecord(header: frame.header, body: body))
                }
            }
            i = j
        }
        return out
    }

    // MARK: Files

    static func segmentPath(_ directory: String, _ id: UInt64) -> String {
        let hex = String(id, radix: 16)
        return directory + "/segment-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".log"
    }

    static func segmentID(fileName: String) -> UInt64? {
        guard fileName.hasPrefix("segment-"), fileName.hasSuffix(".log"), fileName.count == 8 + 16 + 4 else { return nil }
        return UInt64(fileName.dropFirst(8).dropLast(4), radix: 16)
    }

    /// Creates a segment: header, fsync of the file, fsync of the directory — before any record
    /// in it can be acknowledged.
    static func createSegment(_ c: SignalStoreConfiguration, id: UInt64, firstSequence: UInt64, sealed: Bool) throws(SignalError) -> FileHandle {
        let path = segmentPath(c.directory, id)
        let file = try FileHandle(path: path, flags: O_RDWR | O_CREAT | O_TRUNC)
        try file.write(LogFormat.encodeSegmentHeader(.init(formatVersion: LogFormat.formatVersion, sealed: sealed,
                                                           firstSequence: firstSequence)), at: 0)
        try file.sync(dataOnly: false)
        try FileIO.syncDirectory(c.directory)
        return file
    }

    private static let zeroBlock = [UInt8](repeating: 0, count: 1 << 20)
    static func zeros(_ n: Int) -> [UInt8] { n == zeroBlock.count ? zeroBlock : [UInt8](repeating: 0, count: n) }
}
