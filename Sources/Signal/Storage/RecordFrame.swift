/// An episode: a sequence of steps (a coding session, a game). Opaque number chosen by the store
/// (``SignalStore/newEpisode()``) or the app.
public struct EpisodeID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The number stored on disk (in clear, also in encrypted stores).
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The episode numbered `rawValue`.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: EpisodeID, b: EpisodeID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "episode \(rawValue)" }
}

/// The fixed fields the store keeps in clear beside every record body (authenticated, never
/// encrypted, so episodes can be read and retention applied without the key).
public struct RecordHeader: Hashable, Sendable, Codable {
    /// Global append order; strictly increasing, never reused.
    public var sequence: UInt64
    /// The episode the record belongs to.
    public var episode: EpisodeID
    /// Position within the episode, assigned by the store: 0, 1, 2 … in append order.
    public var step: UInt32
    /// Milliseconds since 1970-01-01 UTC.
    public var timestampMillis: Int64
    /// The app's schema version of the body (see ``Recorder``).
    public var schemaVersion: UInt16

    public init(sequence: UInt64, episode: EpisodeID, step: UInt32, timestampMillis: Int64, schemaVersion: UInt16) {
        self.sequence = sequence
        self.episode = episode
        self.step = step
        self.timestampMillis = timestampMillis
        self.schemaVersion = schemaVersion
    }
}

/// On-disk layout (little-endian). See Docs/Signal.md.
///
/// Segment header (32 bytes): magic `GSIGLOG\0`, u32 format version, u32 flags (bit 0: sealed
/// bodies), u64 first sequence, u32 reserved (0), u32 CRC-32C of bytes 0..<28.
///
/// Frame: u32 payload length L, u32 CRC-32C over (the 4 length bytes ‖ payload), payload:
/// u8 record format (1), u8 flags (bit 0: sealed), u16 schema version, u32 step, u64 sequence,
/// u64 episode, i64 timestamp (ms), body. A length of 0 marks the end (preallocated zeros).
package enum LogFormat {
    package static let magic: [UInt8] = Array("GSIGLOG\0".utf8)
    package static let formatVersion: UInt32 = 1
    package static let segmentHeaderSize = 32
    package static let frameHeaderSize = 8
    package static let recordHeaderSize = 32
    package static let recordFormat: UInt8 = 1
    package static let flagSealed: UInt8 = 1

    package struct SegmentHeader: Equatable, Sendable {
        package var formatVersion: UInt32
        package var sealed: Bool
        package var firstSequence: UInt64
    }

    package static func encodeSegmentHeader(_ h: SegmentHeader) -> [UInt8] {
        var out = magic
        out.appendLE(h.formatVersion)
        out.appendLE(UInt32(h.sealed ? 1 : 0))
        out.appendLE(h.firstSequence)
        out.appendLE(UInt32(0))
        out.appendLE(CRC32C.checksum(out))
        return out
    }

    package static func decodeSegmentHeader(_ bytes: UnsafeRawBufferPointer, path: String) throws(SignalError) -> SegmentHeader {
        guard bytes.count >= segmentHeaderSize else {
            throw SignalError(.corruptStore, "\(path): segment header truncated (\(bytes.count) of \(segmentHeaderSize) bytes)")
        }
        guard Array(bytes[0..<8]) == magic else {
            throw SignalError(.corruptStore, "\(path): not a Signal log segment (bad magic)")
        }
        let crc = bytes.loadLE(UInt32.self, at: 28)
        guard CRC32C.update(0, UnsafeRawBufferPointer(rebasing: bytes[0..<28])) == crc else {
            throw SignalError(.corruptStore, "\(path): segment header checksum mismatch")
        }
        let version = bytes.loadLE(UInt32.self, at: 8)
        guard version <= formatVersion, version >= 1 else {
            throw SignalError(.unsupportedFormatVersion,
                "\(path): on-disk format version \(version); this build reads up to \(formatVersion): upgrade Signal")
        }
        return SegmentHeader(formatVersion: version, sealed: bytes.loadLE(UInt32.self, at: 12) & 1 == 1,
                             firstSequence: bytes.loadLE(UInt64.self, at: 16))
    }

    /// Appends one frame for `header` and `body` to `out`; returns the frame's length.
    @discardableResult
    package static func appendFrame(_ header: RecordHeader, sealed: Bool, body: [UInt8], to out: inout [UInt8]) -> Int {
        let start = out.count
        let length = UInt32(recordHeaderSize + body.count)
        // The 40 header bytes in one store (CRC patched below), then the body.
        var head = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &head) { h in
            h.storeBytes(of: length.littleEndian, toByteOffset: 0, as: UInt32.self)
            h.storeBytes(of: recordFormat, toByteOffset: 8, as: UInt8.self)
            h.storeBytes(of: sealed ? flagSealed : 0, toByteOffset: 9, as: UInt8.self)
            h.storeBytes(of: header.schemaVersion.littleEndian, toByteOffset: 10, as: UInt16.self)
            h.storeBytes(of: header.step.littleEndian, toByteOffset: 12, as: UInt32.self)
            h.storeBytes(of: header.sequence.littleEndian, toByteOffset: 16, as: UInt64.self)
            h.storeBytes(of: header.episode.rawValue.littleEndian, toByteOffset: 24, as: UInt64.self)
            h.storeBytes(of: UInt64(bitPattern: header.timestampMillis).littleEndian, toByteOffset: 32, as: UInt64.self)
            var crc = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: h[0..<4]))
            crc = CRC32C.update(crc, UnsafeRawBufferPointer(rebasing: h[8..<40]))
            crc = body.withUnsafeBytes { CRC32C.update(crc, $0) }
            h.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self)
            out.append(contentsOf: h)
        }
        out.append(contentsOf: body)
        return out.count - start
    }

    /// The bytes a record header serves as associated data when bodies are sealed.
    package static func associatedData(_ h: RecordHeader) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(30)
        out.appendLE(h.schemaVersion)
        out.appendLE(h.step)
        out.appendLE(h.sequence)
        out.appendLE(h.episode.rawValue)
        out.appendLE(UInt64(bitPattern: h.timestampMillis))
        return out
    }

    /// A frame found by ``scan(_:from:maxPayload:after:)``.
    package struct Frame: Equatable, Sendable {
        package var offset: Int
        package var length: Int
        package var header: RecordHeader
        package var sealed: Bool
        package var bodyRange: Range<Int> { offset + frameHeaderSize + recordHeaderSize ..< offset + length }
    }

    /// What follows the last valid frame.
    package enum Tail: Equatable, Sendable {
        /// End of data, or only zeros (preallocated space).
        case clean
        /// Damage at `offset`: a torn write, or corruption. `intactFramesAfter` counts valid frames
        /// found past the damage by resynchronising (they are dropped with it).
        case damaged(offset: Int, reason: String, intactFramesAfter: Int)
    }

    package struct Scan: Equatable, Sendable {
        package var frames: [Frame]
        /// Offset just past the last valid frame.
        package var end: Int
        package var tail: Tail
    }

    /// Parses one frame at `offset`, or returns why it is not one (nil reason + nil frame = zeros).
    package static func parseFrame(_ bytes: UnsafeRawBufferPointer, at offset: Int, maxPayload: Int, minSequence: UInt64? = nil)
        -> (frame: Frame?, problem: String?)
    {
        let remaining = bytes.count - offset
        if remaining < frameHeaderSize {
            return bytes[offset...].allSatisfy({ $0 == 0 }) ? (nil, nil) : (nil, "truncated frame header")
        }
        let length = Int(bytes.loadLE(UInt32.self, at: offset))
        let crc = bytes.loadLE(UInt32.self, at: offset + 4)
        if length == 0 && crc == 0 { return (nil, nil) }
        guard length >= recordHeaderSize, length <= maxPayload else { return (nil, "implausible frame length \(length)") }
        guard remaining - frameHeaderSize >= length else { return (nil, "frame runs past end of file") }
        // Cheap field checks before the checksum: keeps resynchronising over random bytes linear.
        let p = offset + frameHeaderSize
        guard bytes[p] == recordFormat else { return (nil, "unknown record format \(bytes[p])") }
        guard bytes[p + 1] & ~flagSealed == 0 else { return (nil, "unknown record flags \(bytes[p + 1])") }
        if let minSequence {
            // Probing: a frame that could follow must continue the sequence (within 2^32).
            let sequence = bytes.loadLE(UInt64.self, at: p + 8)
            guard sequence >= minSequence, sequence - minSequence < 1 << 32 else { return (nil, "implausible sequence") }
        }
        let computed = CRC32C.update(
            CRC32C.update(0, UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 4])),
            UnsafeRawBufferPointer(rebasing: bytes[offset + 8 ..< offset + 8 + length]))
        guard computed == crc else { return (nil, "checksum mismatch") }
        let header = RecordHeader(
            sequence: bytes.loadLE(UInt64.self, at: p + 8),
            episode: EpisodeID(bytes.loadLE(UInt64.self, at: p + 16)),
            step: bytes.loadLE(UInt32.self, at: p + 4),
            timestampMillis: Int64(bitPattern: bytes.loadLE(UInt64.self, at: p + 24)),
            schemaVersion: bytes.loadLE(UInt16.self, at: p + 2))
        return (Frame(offset: offset, length: frameHeaderSize + length, header: header, sealed: bytes[p + 1] & flagSealed != 0), nil)
    }

    /// Scans frames from `start` (just past the segment header). Pure: no I/O.
    ///
    /// Sequences must strictly increase and exceed `after`. At the first frame that is not valid,
    /// the rest is checked: all zeros → clean end; otherwise damaged, and a resynchronising search
    /// counts intact frames beyond the damage.
    package static func scan(_ bytes: UnsafeRawBufferPointer, from start: Int, maxPayload: Int, after: UInt64?) -> Scan {
        var frames: [Frame] = []
        var offset = start
        var last = after
        while offset < bytes.count {
            let (frame, problem) = parseFrame(bytes, at: offset, maxPayload: maxPayload)
            var reason = problem
            if let frame {
                if let last, frame.header.sequence <= last {
                    reason = "sequence \(frame.header.sequence) does not follow \(last)"
                } else {
                    frames.append(frame)
                    last = frame.header.sequence
                    offset += frame.length
                    continue
                }
            }
            if reason == nil, bytes[offset...].allSatisfy({ $0 == 0 }) {
                return Scan(frames: frames, end: offset, tail: .clean)
            }
            // Count intact frames past the damage (a torn group commit, or mid-file corruption).
            var intact = 0
            var probe = offset + 1
            let minSequence = last.map { $0 + 1 } ?? 0
            while probe + frameHeaderSize + recordHeaderSize <= bytes.count {
                if let f = parseFrame(bytes, at: probe, maxPayload: maxPayload, minSequence: minSequence).frame {
                    intact += 1
                    probe += f.length
                } else {
                    probe += 1
                }
            }
            return Scan(frames: frames, end: offset, tail: .damaged(offset: offset, reason: reason ?? "zero frame followed by data", intactFramesAfter: intact))
        }
        return Scan(frames: frames, end: offset, tail: .clean)
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func loadLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
