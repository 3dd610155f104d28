import Dispatch
import Foundation
import Testing
@testable import Signal

@Suite struct ConcurrencyTests {
    /// Body encodes (writer, counter) so order within an episode can be checked.
    static func tagged(_ writer: Int, _ i: Int) -> [UInt8] {
        [UInt8(writer), UInt8(i & 0xff), UInt8(i >> 8)] + [UInt8](repeating: UInt8(writer), count: i % 50)
    }

    func check(_ store: SignalStore, writers: Int, perWriter: Int, episodesPerWriter: Int) throws {
        #expect(store.statistics().records == writers * perWriter)
        for w in 0..<writers {
            for k in 0..<episodesPerWriter {
                let e = EpisodeID(UInt64(w * episodesPerWriter + k))
                let records = try store.records(in: e)
                let expected = (0..<perWriter).filter { $0 % episodesPerWriter == k }
                #expect(records.map(\.body) == expected.map { Self.tagged(w, $0) }, "\(e)")
                #expect(records.map(\.header.step) == (0..<UInt32(expected.count)).map { $0 })
                #expect(zip(records, records.dropFirst()).allSatisfy { $0.header.sequence < $1.header.sequence })
            }
        }
        var seqs: [UInt64] = []
        try store.forEachRecord { seqs.append($0.header.sequence) }
        #expect(seqs == (0..<UInt64(writers * perWriter)).map { $0 })
    }

    @Test func manyTasks() async throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(SignalStoreConfiguration(directory: dir.store, segmentBytes: 64 << 10))
        let writers = 16, perWriter = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        // Singles and small batches mixed; each writer owns two episodes.
                        if i % 10 == 9 {
                            continue
                        } else if i % 10 == 8 {
                            try await store.append(contentsOf: [i, i + 1].map { j in
                                NewRecord(episode: EpisodeID(UInt64(w * 2 + j % 2)), body: Self.tagged(w, j))
                            })
                        } else {
                            try await store.append(NewRecord(episode: EpisodeID(UInt64(w * 2 + i % 2)), body: Self.tagged(w, i)))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        try check(store, writers: writers, perWriter: perWriter, episodesPerWriter: 2)
        // Suspended waiters share the flusher's syncs.
        #expect(store.syncCount() < writers * perWriter * 9 / 10 / 2, "\(store.syncCount()) syncs")
    }

    /// In a synchronous function the blocking overload is chosen.
    static func appendBlocking(_ store: SignalStore, _ r: NewRecord) throws {
        try store.append(contentsOf: [r])
    }

    /// Async and blocking writers mixed on one store: every record durable and in order.
    @Test func mixedAsyncAndBlocking() async throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(SignalStoreConfiguration(directory: dir.store, segmentBytes: 64 << 10))
        let writers = 8, perWriter = 50
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        let r = NewRecord(episode: EpisodeID(UInt64(w)), body: Self.tagged(w, i))
                        if w % 2 == 0 { try await store.append(r) } else { try Self.appendBlocking(store, r) }
                    }
                }
            }
            try await group.waitForAll()
        }
        try check(store, writers: writers, perWriter: perWriter, episodesPerWriter: 1)
    }

    @Test func manyThreads() throws {
        let dir = TempDir(); defer { dir.remove() }
        let writers = 8, perWriter = 80
        do {
            let store = try SignalStore(SignalStoreConfiguration(directory: dir.store, segmentBytes: 64 << 10))
            // Real threads (concurrentPerform would use as few as one when the pool is busy).
            let done = DispatchSemaphore(value: 0)
            for w in 0..<writers {
                Thread {
                    for i in 0..<perWriter {
                        do { try store.append(NewRecord(episode: EpisodeID(UInt64(w)), body: Self.tagged(w, i))) } catch {
                            Issue.record("writer \(w): \(error)")
                        }
                    }
                    done.signal()
                }.start()
            }
            for _ in 0..<writers { done.wait() }
            try check(store, writers: writers, perWriter: perWriter, episodesPerWriter: 1)
            // Group commit: writers waiting on a sync share the next one.
            #expect(store.syncCount() < writers * perWriter, "\(store.syncCount()) syncs for \(writers * perWriter) appends")
        }
        // And the same after reopening.
        try check(try SignalStore(SignalStoreConfiguration(directory: dir.store)), writers: writers, perWriter: perWriter, episodesPerWriter: 1)
    }
}
