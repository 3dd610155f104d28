import CGensynRepOps
import Dispatch
import Synchronization

extension Tape {
    /// Chunk digests kept for reuse: enough for a reshape or a pass-through gradient to find the
    /// tensor it shares storage with.
    static let recentChunkDigestCount = 8

    /// ``Tensor/traceDigest`` of a traced output. A reshape or a gradient passed through unchanged
    /// (`add`, `reshape` backward) shares its input's storage: the chunk digests of a recent
    /// output with the same storage (`recent`) are reused and only the root (which covers the
    /// shape) is recomputed. Returns the chunk digests when they were computed (for
    /// ``remember(_:_:in:)``). `threads`: chunk hashing threads (0: the pool's).
    static func traceDigest(_ t: Tensor, recent: [(tensor: Tensor, chunks: [UInt8])], threads: Int32 = 0) -> (digest: [UInt8], computed: [UInt8]?) {
        guard t.count > Tensor.traceChunkElements else { return (t.traceDigest, nil) }
        let address = t.scalars.withUnsafeBufferPointer { $0.baseAddress }
        if let hit = recent.first(where: { entry in
            entry.tensor.count == t.count && entry.tensor.scalars.withUnsafeBufferPointer { $0.baseAddress } == address
        }) {
            return (Tensor.traceTreeRoot(shape: t.shape, chunkDigests: hit.chunks), nil)
        }
        let chunks = t.traceChunkDigests(threads: threads) ?? t.singleStreamChunkDigests()
        return (Tensor.traceTreeRoot(shape: t.shape, chunkDigests: chunks), chunks)
    }

    /// Keeps `t`'s chunk digests among the recent ones. The cache holds the tensors, so their
    /// storage stays alive and its address cannot be reused for other bytes.
    static func remember(_ t: Tensor, _ chunks: [UInt8], in recent: inout [(tensor: Tensor, chunks: [UInt8])]) {
        if recent.count == Tape.recentChunkDigestCount { recent.removeFirst() }
        recent.append((t, chunks))
    }

    /// Sends `record` to the sink now, or — with a background digester — queues it until its
    /// digest is ready; then delivers every queued record whose digest is done, in index order.
    func deliver(_ record: PendingTraceRecord) {
        guard let digester = traceDigester else {
            let (digest, computed) = Tape.traceDigest(record.output, recent: recentChunkDigests)
            if let computed { Tape.remember(record.output, computed, in: &recentChunkDigests) }
            traceSink?.record(record.complete(digest))
            return
        }
        pendingRecords.append(record)
        digester.submit(record.index, record.output)
        deliverReady(wait: false)
    }

    /// Delivers queued records whose digests are done (all of them, waiting, with `wait`).
    func deliverReady(wait: Bool) {
        guard let digester = traceDigester, pendingHead < pendingRecords.count else { return }
        if wait { digester.waitForAll() }
        while pendingHead < pendingRecords.count, let d = digester.take(pendingRecords[pendingHead].index) {
            traceSink?.record(pendingRecords[pendingHead].complete(d))
            pendingHead += 1
        }
        if pendingHead == pendingRecords.count {
            pendingRecords.removeAll(keepingCapacity: true)
            pendingHead = 0
        }
    }

    /// Delivers every record still waiting for its digest to the sink (a no-op unless the tape
    /// hashes in the background). Call before reading what the sink collected.
    public func flushTrace() { deliverReady(wait: true) }
}

/// A trace record whose output digest is not computed yet.
struct PendingTraceRecord {
    let index: Int
    let kind: String
    let attributes: String
    let inputs: [TraceInput]
    let output: Tensor
    let replay: TraceRecord.Replay

    func complete(_ digest: [UInt8]) -> TraceRecord {
        TraceRecord(index: index, kind: kind, attributes: attributes, inputs: inputs, output: output, outputDigest: digest, replay: replay)
    }
}

/// Computes trace digests on a background thread while the tape's thread runs the next ops (the
/// digests are only needed when records reach the sink); ``waitForAll()`` has the waiting thread
/// hash queued outputs too, so the tail of a step (the optimizer's large outputs) is hashed on
/// two threads. The background thread (``BackgroundHashThread``) runs at the lowest priority: it
/// fills idle core time and never preempts a pool worker. It hashes each output's chunks alone,
/// leaving the pool to the ops; the waiter spreads large outputs over the pool. Digests are the
/// same as the inline path's: the same function; reuse of shared-storage chunk digests only skips
/// work (a miss recomputes the same chunks).
final class TraceDigester: Sendable {
    private struct State {
        var jobs: [(index: Int, tensor: Tensor)] = []
        var head = 0
        var workerRunning = false
        /// The output the background thread is hashing now.
        var workerJob: (index: Int, tensor: Tensor)?
        var done: [Int: [UInt8]] = [:]
        var recent: [(tensor: Tensor, chunks: [UInt8])] = []
    }
    private let state = Mutex(State())
    /// Called by the background thread after it takes a job, before hashing it (tests).
    private let workerWillHash: (@Sendable (_ index: Int) -> Void)?

    init(workerWillHash: (@Sendable (_ index: Int) -> Void)? = nil) { self.workerWillHash = workerWillHash }

    /// Whether a background worker is scheduled or running (tests).
    var workerRunning: Bool { state.withLock { $0.workerRunning } }

    func submit(_ index: Int, _ t: Tensor) {
        let start = state.withLock { s -> Bool in
            s.jobs.append((index, t))
            if s.workerRunning { return false }
            s.workerRunning = true
            return true
        }
        guard start else { return }
        let work: @Sendable () -> Void = { [self] in drain(asWorker: true) }
        if let thread = BackgroundHashThread.shared { thread.run(work) } else { DispatchQueue.global().async(execute: work) }
    }

    /// The next queued output and the recent chunk digests; nil (and, for the worker, stopped)
    /// when the queue is empty — one critical section, so a job queued meanwhile starts a worker.
    private func next(asWorker: Bool) -> (index: Int, tensor: Tensor, recent: [(tensor: Tensor, chunks: [UInt8])])? {
        state.withLock { s in
            if asWorker { s.workerJob = nil }
            guard s.head < s.jobs.count else {
                if asWorker { s.workerRunning = false }
                s.jobs.removeAll(keepingCapacity: true)
                s.head = 0
                return nil
            }
            let job = s.jobs[s.head]
            s.head += 1
            if asWorker { s.workerJob = job }
            return (job.index, job.tensor, s.recent)
        }
    }

    private func drain(asWorker: Bool) {
        while let job = next(asWorker: asWorker) {
            if asWorker { workerWillHash?(job.index) }
            // The background thread hashes alone; the waiter (the step is done, the pool idle)
            // spreads a large tensor's chunks over the pool.
            let (digest, computed) = Tape.traceDigest(job.tensor, recent: job.recent, threads: asWorker ? 1 : 0)
            finish(job.index, job.tensor, digest, computed, byWorker: asWorker)
        }
    }

    /// Stores a digest unless the waiter already computed it (a job it took over).
    private func finish(_ index: Int, _ t: Tensor, _ digest: [UInt8], _ computed: [UInt8]?, byWorker: Bool) {
        state.withLock { s in
            if byWorker {
                guard s.workerJob?.index == index else { return }
                s.workerJob = nil
            }
            s.done[index] = digest
            if let computed { Tape.remember(t, computed, in: &s.recent) }
        }
    }

    /// The digest of record `index` if done (removed from the digester).
    func take(_ index: Int) -> [UInt8]? { state.withLock { $0.done.removeValue(forKey: index) } }

    /// Returns once every submitted digest is done: hashes the queued outputs, then — rather than
    /// wait for a background thread that a loaded machine may not schedule soon (it has the
    /// lowest priority) — recomputes the output it is still hashing, if any. Same function, same
    /// digest; whichever finishes first is kept.
    func waitForAll() {
        drain(asWorker: false)
        let pending = state.withLock { s -> (index: Int, tensor: Tensor, recent: [(tensor: Tensor, chunks: [UInt8])])? in
            guard let job = s.workerJob else { return nil }
            s.workerJob = nil
            return (job.index, job.tensor, s.recent)
        }
        if let job = pending {
            let (digest, computed) = Tape.traceDigest(job.tensor, recent: job.recent, threads: 0)
            finish(job.index, job.tensor, digest, computed, byWorker: false)
        }
    }
}

/// The process's one low-priority hashing thread (``gensyn_background_thread_start``). With two
/// pool threads on two cores, a normal-priority hasher would time-slice with the pool's workers
/// and stall every parallel op whose worker it preempts; at the lowest priority it runs only when
/// a core is idle (between parallel ops, during single-threaded ops, while a worker sleeps).
/// Jobs run in submission order. nil when no thread could be started (callers fall back to
/// Dispatch).
final class BackgroundHashThread: Sendable {
    static let shared: BackgroundHashThread? = start()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let wake = DispatchSemaphore(value: 0)

    private static func start() -> BackgroundHashThread? {
        let thread = BackgroundHashThread()
        let context = Unmanaged.passRetained(thread).toOpaque() // lives as long as the process
        let rc = gensyn_background_thread_start({ context in
            Unmanaged<BackgroundHashThread>.fromOpaque(context!).takeUnretainedValue().loop()
        }, context)
        guard rc == 0 else {
            Unmanaged<BackgroundHashThread>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    /// Queues `job` for the background thread.
    func run(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        wake.signal()
    }

    private func loop() -> Never {
        while true {
            wake.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job()
        }
    }
}
