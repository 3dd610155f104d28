#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SignalStore {
    struct Opened: ~Copyable {
        var index: StoreIndex
        var damage: [SegmentDamage]
        var activeFile: FileHandle
        var activeSize: Int
        var nextSequence: UInt64
        var nextStep: [EpisodeID: UInt32]
        var nextEpisode: UInt64
    }

    /// Scans every segment in order, applies the recovery policy, and builds the index. The last
    /// segment becomes the active one (created when missing).
    static func recover(_ c: SignalStoreConfiguration, sealed: Bool) throws(SignalError) -> Opened {
        let ids = try FileIO.list(c.directory).compactMap(segmentID(fileName:)).sorted()
        var ix = StoreIndex()
        var damage: [SegmentDamage] = []
        var lastSequence: UInt64? = nil
        var sequenceFloor: UInt64 = 0
        var nextStep: [EpisodeID: UInt32] = [:]
        var nextEpisode: UInt64 = 0
        var active: (file: FileHandle, size: Int)? = nil

        func damaged(_ path: String, _ d: SegmentDamage) throws(SignalError) {
            if c.recovery == .failOnDamage {
                throw SignalError(.corruptStore,
                    "\(path) is damaged at byte \(d.offset) (\(d.reason)); open with RecoveryPolicy.recoverValidPrefix to keep the valid records")
            }
            damage.append(d)
        }

        for (k, id) in ids.enumerated() {
            let isLast = k == ids.count - 1
            let path = segmentPath(c.directory, id)
            let name = String(path.split(separator: "/").last!)
            let file = try FileHandle(path: path, flags: isLast ? O_RDWR : O_RDONLY)
            let bytes = try file.read(at: 0, count: try file.size())
            let nonZeroEnd = (bytes.lastIndex(where: { $0 != 0 }) ?? -1) + 1
            let decoded = bytes.withUnsafeBytes { (raw) -> Result<LogFormat.SegmentHeader, SignalError> in
                do throws(SignalError) { return .success(try LogFormat.decodeSegmentHeader(raw, path: path)) } catch { return .failure(error) }
            }
            let header: LogFormat.SegmentHeader
            switch decoded {
            case .success(let h): header = h
            case .failure(let error) where error.code != .corruptStore: throw error
            case .failure(let error):
                try damaged(path, SegmentDamage(segment: name, offset: 0, reason: error.message, droppedBytes: nonZeroEnd, intactFramesDropped: 0))
                // A segment whose creation was torn by a crash held no acknowledged record.
                if isLast && nonZeroEnd <= LogFormat.segmentHeaderSize { try FileIO.remove(path) }
                continue
            }
            guard header.sealed == sealed else {
                throw SignalError(.corruptStore, "\(path): segment encryption flag disagrees with signal.meta; restore from a backup")
            }
            sequenceFloor = max(sequenceFloor, header.firstSequence)
            let scan = bytes.withUnsafeBytes {
                LogFormat.scan($0, from: LogFormat.segmentHeaderSize, maxPayload: SignalStoreConfiguration.formatMaxPayload, after: lastSequence)
            }
            var size = bytes.count
            if case .damaged(let offset, let reason, let intact) = scan.tail {
                try damaged(path, SegmentDamage(segment: name, offset: offset, reason: reason,
                                                droppedBytes: max(0, nonZeroEnd - offset), intactFramesDropped: intact))
                if isLast {
                    try file.truncate(to: scan.end)
                    try file.sync(dataOnly: false)
                    size = scan.end
                }
            }
            ix.segments.append(SegmentInfo(id: id, path: path, logicalEnd: scan.end, fileSize: size))
            for f in scan.frames {
                ix.add(Location(header: f.header, segment: id, offset: f.offset, length: f.length))
                nextStep[f.header.episode] = max(nextStep[f.header.episode] ?? 0, f.header.step &+ 1)
                nextEpisode = max(nextEpisode, f.header.episode.rawValue &+ 1)
                lastSequence = f.header.sequence
            }
            if isLast { active = (file, size) }
        }
        let nextSequence = max(lastSequence.map { $0 + 1 } ?? 0, sequenceFloor)
        if active == nil {
            let id = (ids.last ?? 0) + (ids.isEmpty ? 0 : 1)
            let file = try createSegment(c, id: id, firstSequence: nextSequence, sealed: sealed)
            ix.segments.append(SegmentInfo(id: id, path: segmentPath(c.directory, id),
                                           logicalEnd: LogFormat.segmentHeaderSize, fileSize: LogFormat.segmentHeaderSize))
            active = (file, LogFormat.segmentHeaderSize)
        }
        return Opened(index: ix, damage: damage, activeFile: active!.file, activeSize: active!.size,
                      nextSequence: nextSequence, nextStep: nextStep, nextEpisode: nextEpisode)
    }
}
