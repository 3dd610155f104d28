import Testing
import Signal
import SignalCrypto

@Suite struct EncryptionTests {
    static let key = (0..<32).map { UInt8($0 &* 7 &+ 1) }

    static func sealers(_ key: [UInt8]) throws -> [any RecordSealer] {
        [try ChaChaPolySealer(key: key), try AESGCMSealer(key: key)]
    }

    @Test(arguments: [0, 1])
    func roundTripAndWrongKey(which: Int) throws {
        let dir = TempDir(); defer { dir.remove() }
        let sealer = try Self.sealers(Self.key)[which]
        let secret = Array("SECRET-PLAINTEXT-fn main() {}".utf8)
        do {
            let store = try SignalStore(SignalStoreConfiguration(directory: dir.store, sealer: sealer))
            for i in 0..<20 { try store.append(NewRecord(episode: EpisodeID(UInt64(i % 2)), body: secret + [UInt8(i)])) }
        }
        // Nothing readable on disk.
        for seg in segmentFiles(dir.store) {
            let bytes = fileBytes(seg)
            #expect(!bytes.indices.dropLast(secret.count).contains { Array(bytes[$0..<$0 + secret.count]) == secret })
        }
        let store = try SignalStore(SignalStoreConfiguration(directory: dir.store, sealer: sealer))
        #expect(try store.records(in: EpisodeID(1)).map(\.body) == stride(from: 1, to: 20, by: 2).map { secret + [UInt8($0)] })
        // Appending continues in the reopened store.
        try store.append(NewRecord(episode: EpisodeID(1), body: [42]))
        #expect(try store.records(in: EpisodeID(1)).last!.body == [42])
    }

    @Test func wrongKeyAndMismatches() throws {
        let dir = TempDir(); defer { dir.remove() }
        do {
            let store = try SignalStore(SignalStoreConfiguration(directory: dir.store, sealer: try ChaChaPolySealer(key: Self.key)))
            try store.append(NewRecord(episode: EpisodeID(0), body: [1, 2, 3]))
        }
        var other = Self.key
        other[0] ^= 1
        for sealer in try Self.sealers(other) {
            expectCode(.wrongKey) { () throws(SignalError) in try SignalStore(SignalStoreConfiguration(directory: dir.store, sealer: sealer)) }
        }
        expectCode(.encryptionMismatch) { () throws(SignalError) in try SignalStore(SignalStoreConfiguration(directory: dir.store)) }
        let plain = TempDir(); defer { plain.remove() }
        _ = try SignalStore(SignalStoreConfiguration(directory: plain.store))
        expectCode(.encryptionMismatch) { () throws(SignalError) in
            try SignalStore(SignalStoreConfiguration(directory: plain.store, sealer: try ChaChaPolySealer(key: Self.key)))
        }
        expectCode(.invalidConfiguration) { () throws(SignalError) in try ChaChaPolySealer(key: [1, 2, 3]) }
        expectCode(.invalidConfiguration) { () throws(SignalError) in try AESGCMSealer(key: [UInt8](repeating: 0, count: 20)) }
    }

    /// A sealed body moved to another record's slot fails authentication (header is the AAD).
    @Test func headerIsAuthenticated() throws {
        let sealer = try ChaChaPolySealer(key: Self.key)
        let sealed = try sealer.seal([1, 2, 3], associatedData: [0, 1])
        #expect(try sealer.open(sealed, associatedData: [0, 1]) == [1, 2, 3])
        expectCode(.wrongKey) { () throws(SignalError) in try sealer.open(sealed, associatedData: [0, 2]) }
        var tampered = sealed
        tampered[15] ^= 1
        expectCode(.wrongKey) { () throws(SignalError) in try sealer.open(tampered, associatedData: [0, 1]) }
        expectCode(.wrongKey) { () throws(SignalError) in try sealer.open([1, 2], associatedData: []) }
    }

    /// A torn tail in an encrypted store: the valid prefix is recovered and still decrypts.
    @Test func tornTailInEncryptedStore() throws {
        let dir = TempDir(); defer { dir.remove() }
        let config = SignalStoreConfiguration(directory: dir.store, sealer: try AESGCMSealer(key: Self.key), preallocationBytes: 0)
        do {
            let store = try SignalStore(config)
            for i in 0..<10 { try store.append(NewRecord(episode: EpisodeID(3), body: body(i))) }
        }
        let seg = segmentFiles(dir.store).last!
        let bytes = fileBytes(seg)
        // Cut the last record in half.
        writeFile(seg, Array(bytes.dropLast(30)))
        let store = try SignalStore(config)
        #expect(store.recoveryReport.count == 1)
        #expect(try store.records(in: EpisodeID(3)).map(\.body) == (0..<9).map { body($0) })
        try store.append(NewRecord(episode: EpisodeID(3), body: [5]))
        #expect(try store.records(in: EpisodeID(3)).last!.body == [5])
    }
}
