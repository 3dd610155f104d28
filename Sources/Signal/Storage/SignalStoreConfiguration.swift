#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long the store keeps records. Limits combine: a record is kept only while it satisfies all.
public struct RetentionPolicy: Hashable, Sendable {
    /// Keep at most this many newest records (exact: older ones are hidden at once).
    public var maxRecords: Int?
    /// Keep records whose timestamp is at most this many milliseconds old (exact, checked on read).
    public var maxAgeMillis: Int64?
    /// Keep the store's files under this many bytes (plus at most one batch), deleting the oldest
    /// segments; room for a full active segment is reserved. At least
    /// `2 × segmentBytes + preallocationBytes`.
    public var maxBytes: Int?

    public init(maxRecords: Int? = nil, maxAgeMillis: Int64? = nil, maxBytes: Int? = nil) {
        self.maxRecords = maxRecords
        self.maxAgeMillis = maxAgeMillis
        self.maxBytes = maxBytes
    }

    /// Keep everything.
    public static let unlimited = RetentionPolicy()
}

/// What opening a store does with damaged files (torn writes, checksum mismatches).
public enum RecoveryPolicy: Hashable, Sendable {
    /// Keep every valid record before the damage in each segment; drop the rest of that segment
    /// (the active segment is truncated there) and report it in ``SignalStore/recoveryReport``.
    /// A crash can only tear unacknowledged records, so this never loses an acknowledged one
    /// unless the file was corrupted afterwards.
    case recoverValidPrefix
    /// Throw ``SignalError/Code/corruptStore`` on any damage, including a torn tail; nothing is
    /// modified.
    case failOnDamage
}

/// Everything ``SignalStore`` needs to open a store directory.
public struct SignalStoreConfiguration: Sendable {
    /// The store directory; created (mode 0700) when missing.
    public var directory: String
    /// Encrypts record bodies at rest when set (e.g. `ChaChaPolySealer` from SignalCrypto). A store
    /// created with a sealer must always be opened with one holding the same key.
    public var sealer: (any RecordSealer)?
    public var retention: RetentionPolicy
    public var recovery: RecoveryPolicy
    /// Largest record body accepted by ``SignalStore/append(_:)`` (default 1 MiB, at most 64 MiB).
    public var maxRecordBytes: Int
    /// Size at which the active segment is closed and a new one started (default 8 MiB).
    public var segmentBytes: Int
    /// Zeros written ahead of the write position, so most `fdatasync`s need no file-size update
    /// (default 1 MiB; 0 disables).
    public var preallocationBytes: Int
    /// Milliseconds since the epoch; used for records without a timestamp and for `maxAgeMillis`.
    public var clock: @Sendable () -> Int64

    public init(
        directory: String, sealer: (any RecordSealer)? = nil, retention: RetentionPolicy = .unlimited,
        recovery: RecoveryPolicy = .recoverValidPrefix, maxRecordBytes: Int = 1 << 20,
        segmentBytes: Int = 8 << 20, preallocationBytes: Int = 1 << 20,
        clock: @escaping @Sendable () -> Int64 = SignalStoreConfiguration.systemClock
    ) {
        self.directory = directory
        self.sealer = sealer
        self.retention = retention
        self.recovery = recovery
        self.maxRecordBytes = maxRecordBytes
        self.segmentBytes = segmentBytes
        self.preallocationBytes = preallocationBytes
        self.clock = clock
    }

    /// Wall-clock milliseconds since 1970-01-01 UTC.
    @Sendable public static func systemClock() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Hard ceiling of the on-disk format for one payload (header + body + sealing overhead).
    package static let formatMaxPayload = (64 << 20) + 4096

    func validate() throws(SignalError) {
        func bad(_ m: String) -> SignalError { SignalError(.invalidConfiguration, m) }
        guard !directory.isEmpty else { throw bad("directory is empty") }
        guard (1...(64 << 20)).contains(maxRecordBytes) else { throw bad("maxRecordBytes \(maxRecordBytes) must be in 1...\(64 << 20)") }
        guard segmentBytes >= 64 << 10, segmentBytes <= 1 << 30 else {
            throw bad("segmentBytes \(segmentBytes) must be between 64 KiB and 1 GiB")
        }
        guard (0...(64 << 20)).contains(preallocationBytes) else { throw bad("preallocationBytes must be in 0...64 MiB") }
        if let n = retention.maxRecords, n < 1 { throw bad("retention.maxRecords must be at least 1, got \(n)") }
        if let a = retention.maxAgeMillis, a < 1 { throw bad("retention.maxAgeMillis must be positive, got \(a)") }
        if let b = retention.maxBytes, b < 2 * segmentBytes + preallocationBytes {
            throw bad("retention.maxBytes \(b) must be at least 2 × segmentBytes + preallocationBytes (\(2 * segmentBytes + preallocationBytes)); lower segmentBytes")
        }
    }
}

/// A record to append: the body is opaque bytes (``Recorder`` encodes the app's types as JSON).
public struct NewRecord: Hashable, Sendable {
    public var episode: EpisodeID
    /// Milliseconds since the epoch; `nil` takes the store's clock.
    public var timestampMillis: Int64?
    public var schemaVersion: UInt16
    public var body: [UInt8]

    public init(episode: EpisodeID, timestampMillis: Int64? = nil, schemaVersion: UInt16 = 1, body: [UInt8]) {
        self.episode = episode
        self.timestampMillis = timestampMillis
        self.schemaVersion = schemaVersion
        self.body = body
    }
}

/// A record read back: its header and (decrypted) body.
public struct StoredRecord: Hashable, Sendable {
    public var header: RecordHeader
    public var body: [UInt8]

    public init(header: RecordHeader, body: [UInt8]) {
        self.header = header
        self.body = body
    }
}

/// Damage found and dropped while opening (see ``RecoveryPolicy/recoverValidPrefix``).
public struct SegmentDamage: Hashable, Sendable, CustomStringConvertible {
    /// Segment file name.
    public var segment: String
    /// Byte offset of the first damaged frame.
    public var offset: Int
    public var reason: String
    /// Bytes dropped after `offset` (excluding preallocated zeros).
    public var droppedBytes: Int
    /// Checksum-valid frames found past the damage and dropped with it (a torn group commit or
    /// a corrupted file; never acknowledged records after a crash alone).
    public var intactFramesDropped: Int

    public var description: String {
        "\(segment) @\(offset): \(reason); dropped \(droppedBytes) bytes, \(intactFramesDropped) intact frames"
    }
}

/// Sizes of a store.
public struct SignalStoreStatistics: Hashable, Sendable {
    /// Records visible under the retention policy.
    public var records: Int
    /// Episodes with at least one visible record.
    public var episodes: Int
    /// Bytes of frames (headers + bodies) of all live records on disk.
    public var logicalBytes: Int
    /// Bytes of all segment files, including preallocated zeros of the active one.
    public var fileBytes: Int
    public var segments: Int
}
