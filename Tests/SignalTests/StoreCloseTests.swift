import GensynTestSupport
import Testing
@testable import Signal

@Suite struct StoreCloseTests {
    func config(_ dir: TempDir) -> SignalStoreConfiguration {
        SignalStoreConfiguration(directory: dir.store, segmentBytes: 64 << 10, preallocationBytes: 16 << 10)
    }

    func code(_ body: () throws -> Void) -> SignalError.Code? {
        do { try body(); return nil } catch let e as SignalError { return e.code } catch { return nil }
    }

    @Test func closeReleasesTheLockAndLaterUseIsATypedError() throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(config(dir))
        let e = store.newEpisode()
        try store.append(contentsOf: (0..<5).map { NewRecord(episode: e, body: [UInt8($0)]) })
        #expect(code { _ = try SignalStore(config(dir)) } == .storeLocked)
        try store.close()
        try store.close()  // idempotent
        #expect(code { try store.append(NewRecord(episode: e, body: [9])) } == .storeClosed)
        #expect(code { _ = try store.records(in: e) } == .storeClosed)
        #expect(code { try store.forEachRecord { _ in } } == .storeClosed)
        #expect(code { try store.enforceRetention() } == .storeClosed)
        #expect(store.statistics().records == 5)  // answered from memory
        // The directory opens again while the closed store is still alive; nothing was lost.
        let again = try SignalStore(config(dir))
        #expect(try again.records(in: e).map(\.body) == (0..<5).map { [UInt8($0)] })
        #expect(try again.append(NewRecord(episode: e, body: [5])).step == 5)
        // Dropping the closed store now (its deinit) does not disturb the new one's lock.
        _ = consume store
        #expect(code { _ = try SignalStore(config(dir)) } == .storeLocked)
    }

    @Test func closeFlushesConcurrentAsyncAppends() async throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(config(dir))
        let e = store.newEpisode()
        // Appenders race with close: each either is acknowledged (and must be on disk) or gets storeClosed.
        let results = await withTaskGroup(of: (Int, SignalError.Code?).self) { group in
            for i in 0..<64 {
                group.addTask {
                    do { _ = try await store.append(NewRecord(episode: e, body: [UInt8(i)])); return (i, nil) } catch let e as SignalError { return (i, e.code) } catch { return (i, SignalError.Code.ioFailure) }
                }
            }
            group.addTask { try? store.close(); return (-1, nil) }
            var out: [(Int, SignalError.Code?)] = []
            for await r in group where r.0 >= 0 { out.append(r) }
            return out
        }
        #expect(results.allSatisfy { $0.1 == nil || $0.1 == SignalError.Code.storeClosed })
        try store.close()
        let acknowledged = Set(results.filter { $0.1 == nil }.map { UInt8($0.0) })
        let again = try SignalStore(config(dir))
        #expect(Set(try again.records(in: e).map { $0.body[0] }) == acknowledged)
    }
}
