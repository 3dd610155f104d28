/// Where a durable record lives, with the header fields reads and retention need.
struct Location: Sendable {
    var sequence: UInt64
    var episode: EpisodeID
    var step: UInt32
    var timestampMillis: Int64
    var segment: UInt64
    var offset: Int
    var length: Int

    init(header: RecordHeader, segment: UInt64, offset: Int, length: Int) {
        sequence = header.sequence
        episode = header.episode
        step = header.step
        timestampMillis = header.timestampMillis
        self.segment = segment
        self.offset = offset
        self.length = length
    }
}

struct SegmentInfo: Sendable {
    var id: UInt64
    var path: String
    var logicalEnd: Int
    var fileSize: Int
    var count = 0
    var lastSequence: UInt64?
    var maxTimestamp: Int64 = .min
}

/// In-memory index of durable records: all locations in sequence order (a prefix is dropped as
/// segments are deleted), and per episode the absolute positions of its records.
struct StoreIndex: Sendable {
    var segments: [SegmentInfo] = []
    var locations: [Location] = []
    /// Locations dropped from the front (absolute position = `removed` + array index).
    var removed = 0
    var episodes: [EpisodeID: [Int]] = [:]
    var retention = RetentionPolicy.unlimited
    /// Room kept for the active segment to fill (segmentBytes + preallocationBytes).
    var activeReserve = 0

    /// Appends a location of the last segment.
    mutating func add(_ loc: Location) {
        episodes[loc.episode, default: []].append(removed + locations.count)
        locations.append(loc)
        let s = segments.count - 1
        segments[s].count += 1
        segments[s].lastSequence = loc.sequence
        segments[s].maxTimestamp = max(segments[s].maxTimestamp, loc.timestampMillis)
    }

    /// Records below this sequence are hidden by `maxRecords`.
    func countFloor() -> UInt64 {
        guard let n = retention.maxRecords, locations.count > n else { return 0 }
        return locations[locations.count - n].sequence
    }

    func cutoff(now: Int64) -> Int64 {
        retention.maxAgeMillis.map { now - $0 } ?? .min
    }

    func visible(episode: EpisodeID, now: Int64) -> [Location] {
        let floor = countFloor(), cut = cutoff(now: now)
        var out: [Location] = []
        for position in episodes[episode] ?? [] where position >= removed {
            let loc = locations[position - removed]
            if loc.sequence >= floor && loc.timestampMillis >= cut { out.append(loc) }
        }
        return out
    }

    func visibleAll(now: Int64) -> [Location] {
        let floor = countFloor(), cut = cutoff(now: now)
        return locations.filter { $0.sequence >= floor && $0.timestampMillis >= cut }
    }

    /// Drops the oldest sealed segments that hold only hidden records, or while the files
    /// exceed `maxBytes`. Never drops the active (last) segment. Returns the paths to delete.
    mutating func applyRetention(now: Int64) -> [String] {
        var deleted: [String] = []
        let floor = countFloor(), cut = cutoff(now: now)
        while segments.count > 1 {
            let s = segments[0]
            let hidden = s.count == 0 || s.lastSequence! < floor || s.maxTimestamp < cut
            let overBytes = retention.maxBytes.map { limit in
                segments.dropLast().reduce(0) { $0 + $1.fileSize } + max(segments.last!.fileSize, activeReserve) > limit
            } ?? false
            guard hidden || overBytes else { break }
            let n = locations.prefix(while: { $0.segment == s.id }).count
            locations.removeFirst(n)
            removed += n
            segments.removeFirst()
            deleted.append(s.path)
        }
        if !deleted.isEmpty {
            for (episode, positions) in episodes {
                let kept = positions.drop(while: { $0 < removed })
                if kept.isEmpty { episodes[episode] = nil } else if kept.count != positions.count { episodes[episode] = Array(kept) }
            }
        }
        return deleted
    }
}
