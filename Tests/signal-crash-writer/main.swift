// Child process for SignalTests' durability test: appends acknowledged records to a store and
// prints each acknowledged sequence number on its own line (stdout, unbuffered) right after the
// append returns. The parent SIGKILLs it at random moments and checks that every printed record
// survives intact.
//
// signal-crash-writer DIR SEED [BATCH]
import Signal

#if canImport(Glibc)
import Glibc
#endif

let args = CommandLine.arguments
guard args.count >= 3, let seed = UInt64(args[2]) else {
    exit(2)
}
let batch = args.count > 3 ? max(1, Int(args[3]) ?? 1) : 1

/// Unbuffered write to a descriptor (the C stdio globals are not concurrency-safe in Swift 6).
func emit(_ text: String, to fd: Int32 = 1) {
    let bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
        if n <= 0 { exit(3) }
        done += n
    }
}

/// Body = 8-byte sequence-independent id pattern: deterministic from (seed, counter) so the
/// parent can recompute and compare every byte.
func body(seed: UInt64, counter: UInt64) -> [UInt8] {
    var x = seed &* 0x9E37_79B9_7F4A_7C15 &+ counter
    let n = Int(counter % 700) + 1
    return (0..<n).map { _ in
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        return UInt8(truncatingIfNeeded: x)
    }
}

do {
    let store = try SignalStore(SignalStoreConfiguration(directory: args[1], segmentBytes: 256 << 10, preallocationBytes: 64 << 10))
    // Continue the counter after what earlier runs acknowledged.
    var counter = UInt64(store.statistics().records)
    while true {
        var records: [NewRecord] = []
        for _ in 0..<batch {
            records.append(NewRecord(episode: EpisodeID(counter % 7), timestampMillis: Int64(counter), body: body(seed: seed, counter: counter)))
            counter += 1
        }
        for h in try store.append(contentsOf: records) {
            emit("\(h.sequence)\n")
        }
    }
} catch {
    emit("signal-crash-writer: \(error)\n", to: 2)
    exit(1)
}
