#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One step of a schema migration: turns a body written at `from` into one at `from + 1`.
public struct SchemaMigration: Sendable {
    public var from: UInt16
    public var transform: @Sendable (JSONValue) throws(SignalError) -> JSONValue

    public init(from: UInt16, transform: @escaping @Sendable (JSONValue) throws(SignalError) -> JSONValue) {
        self.from = from
        self.transform = transform
    }
}

/// Records an app's transitions in a ``SignalStore`` and reads them back as the app's types.
///
/// Bodies are JSON of ``Transition`` (keys in declaration order). Each record carries the recorder's
/// `schemaVersion`; reading a record written at an older version runs the ``SchemaMigration``s
/// from that version up, on the JSON tree, before decoding (the stored bytes stay as written).
public final class Recorder<State: Codable & Sendable, Action: Codable & Sendable, Outcome: Codable & Sendable>: Sendable {
    public typealias Step = Transition<State, Action, Outcome>
    public typealias Recorded = RecordedTransition<State, Action, Outcome>

    public let store: SignalStore
    public let schemaVersion: UInt16
    let migrations: [UInt16: SchemaMigration]

    /// - Throws: `invalidConfiguration` when migrations do not form a chain from below
    ///   `schemaVersion` up to it (duplicate or out-of-range `from`).
    public init(store: SignalStore, schemaVersion: UInt16 = 1, migrations: [SchemaMigration] = []) throws(SignalError) {
        guard schemaVersion >= 1 else { throw SignalError(.invalidConfiguration, "schemaVersion must be at least 1") }
        var byVersion: [UInt16: SchemaMigration] = [:]
        for m in migrations {
            guard m.from >= 1, m.from < schemaVersion else {
                throw SignalError(.invalidConfiguration, "migration from \(m.from) is outside 1..<\(schemaVersion)")
            }
            guard byVersion[m.from] == nil else { throw SignalError(.invalidConfiguration, "two migrations from \(m.from)") }
            byVersion[m.from] = m
        }
        self.store = store
        self.schemaVersion = schemaVersion
        self.migrations = byVersion
    }

    /// A new episode id (see ``SignalStore/newEpisode()``).
    public func newEpisode() -> EpisodeID { store.newEpisode() }

    /// Records one transition; returns when it is durable.
    @discardableResult
    public func record(_ transition: Step, in episode: EpisodeID, timestampMillis: Int64? = nil) throws(SignalError) -> RecordHeader {
        try store.append(encode(transition, episode: episode, timestampMillis: timestampMillis, with: Self.makeEncoder()))
    }

    /// Records transitions with one group commit; returns when all are durable.
    @discardableResult
    public func record(contentsOf items: [(episode: EpisodeID, transition: Step)]) throws(SignalError) -> [RecordHeader] {
        var records: [NewRecord] = []
        records.reserveCapacity(items.count)
        let encoder = Self.makeEncoder()
        for item in items { records.append(try encode(item.transition, episode: item.episode, timestampMillis: nil, with: encoder)) }
        return try store.append(contentsOf: records)
    }

    /// Records one transition; suspends until it is durable (see ``SignalStore``'s async appends).
    @discardableResult
    public func record(_ transition: Step, in episode: EpisodeID, timestampMillis: Int64? = nil) async throws(SignalError) -> RecordHeader {
        try await store.append(encode(transition, episode: episode, timestampMillis: timestampMillis, with: Self.makeEncoder()))
    }

    /// Records transitions with one group commit; suspends until all are durable.
    @discardableResult
    public func record(contentsOf items: [(episode: EpisodeID, transition: Step)]) async throws(SignalError) -> [RecordHeader] {
        let encoder = Self.makeEncoder()
        var records: [NewRecord] = []
        records.reserveCapacity(items.count)
        for item in items { records.append(try encode(item.transition, episode: item.episode, timestampMillis: nil, with: encoder)) }
        return try await store.append(contentsOf: records)
    }

    /// The transitions of `episode` in step order.
    public func transitions(in episode: EpisodeID) throws(SignalError) -> [Recorded] {
        try store.records(in: episode).map { (r) throws(SignalError) in try decode(r) }
    }

    /// Calls `body` with every visible transition in append order.
    public func forEachTransition(_ body: (Recorded) throws(SignalError) -> Void) throws(SignalError) {
        try store.forEachRecord { (r) throws(SignalError) in try body(try decode(r)) }
    }

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    func encode(_ t: Step, episode: EpisodeID, timestampMillis: Int64?, with encoder: JSONEncoder) throws(SignalError) -> NewRecord {
        try t.validate()
        do {
            let body = try StreamingJSONEncoder.encode(t) ?? Array(try encoder.encode(t))
            return NewRecord(episode: episode, timestampMillis: timestampMillis, schemaVersion: schemaVersion, body: body)
        } catch {
            throw SignalError(.encodingFailed, "cannot encode the transition as JSON: \(error)")
        }
    }

    /// Decodes a stored record, migrating it from its schema version when older.
    public func decode(_ record: StoredRecord) throws(SignalError) -> Recorded {
        let v = record.header.schemaVersion
        guard v <= schemaVersion else {
            throw SignalError(.unsupportedSchemaVersion,
                "record \(record.header.sequence) has schema version \(v); this recorder knows up to \(schemaVersion): upgrade the app")
        }
        var data = Data(record.body)
        if v < schemaVersion {
            var tree: JSONValue
            do { tree = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
                throw SignalError(.decodingFailed, "record \(record.header.sequence) is not JSON: \(error)")
            }
            for from in v..<schemaVersion {
                guard let m = migrations[from] else {
                    throw SignalError(.unsupportedSchemaVersion,
                        "record \(record.header.sequence) has schema version \(v) and there is no migration from \(from)")
                }
                tree = try m.transform(tree)
            }
            do { data = try JSONEncoder().encode(tree) } catch {
                throw SignalError(.encodingFailed, "migrated record \(record.header.sequence) cannot be encoded: \(error)")
            }
        }
        do {
            return Recorded(header: record.header, transition: try JSONDecoder().decode(Step.self, from: data))
        } catch {
            throw SignalError(.decodingFailed,
                "record \(record.header.sequence) (schema \(v)) does not decode as \(Step.self): \(error); add a SchemaMigration")
        }
    }
}
