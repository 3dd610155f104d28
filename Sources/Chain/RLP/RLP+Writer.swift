import GensynPrimitives

/// Encoded sizes of canonical RLP items, so an encoder can size its output before writing it.
package enum RLPSize {
    /// Bytes of big-endian `v` without leading zeros.
    @inline(__always)
    package static func byteLength(_ v: UInt64) -> Int { (64 - v.leadingZeroBitCount + 7) / 8 }

    /// A string or list header for a payload of `n` bytes.
    @inline(__always)
    package static func header(_ n: Int) -> Int { n < 56 ? 1 : 1 + byteLength(UInt64(n)) }

    /// A canonical integer (zero is the empty string, one byte below 0x80 is itself).
    @inline(__always)
    package static func uint(_ v: UInt64) -> Int { v < 0x80 ? 1 : 1 + byteLength(v) }

    /// A canonical 256-bit integer.
    @inline(__always)
    package static func uint256(_ v: UInt256) -> Int {
        let n = (v.bitLength + 7) / 8
        return n <= 1 && v[limb: 0] < 0x80 ? 1 : 1 + n
    }

    /// A byte string.
    @inline(__always)
    package static func bytes(_ b: [UInt8]) -> Int { b.count == 1 && b[0] < 0x80 ? 1 : header(b.count) + b.count }

    /// A list whose items take `payload` bytes.
    @inline(__always)
    package static func list(_ payload: Int) -> Int { header(payload) + payload }
}

/// Writes canonical RLP into a buffer sized beforehand with ``RLPSize`` (see ``RLP/build(count:_:)``).
package struct RLPWriter {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    /// Bytes written so far.
    package private(set) var position = 0

    @inline(__always)
    package mutating func byte(_ b: UInt8) {
        precondition(position < capacity, "RLPWriter: size computed too small")
        base[position] = b
        position += 1
    }

    /// The low `n` (0…8) bytes of `v`, big-endian. One unaligned 8-byte store when 8 bytes of room
    /// remain (the spare bytes are overwritten by what follows), else byte by byte.
    @inline(__always)
    mutating func bigEndian(_ v: UInt64, count n: Int) {
        precondition(n <= capacity - position, "RLPWriter: size computed too small")
        if capacity - position >= 8 {
            UnsafeMutableRawPointer(base + position).storeBytes(of: (v << UInt64(64 - 8 * n)).bigEndian, as: UInt64.self)
        } else {
            for i in 0..<n { base[position + i] = UInt8(truncatingIfNeeded: v >> UInt64(8 * (n - 1 - i))) }
        }
        position += n
    }

    @inline(__always)
    mutating func header(_ n: Int, short: UInt8, long: UInt8) {
        if n < 56 {
            byte(short + UInt8(n))
        } else {
            let k = RLPSize.byteLength(UInt64(n))
            byte(long + UInt8(k))
            bigEndian(UInt64(n), count: k)
        }
    }

    /// A list header for a payload of `n` bytes (the items follow).
    @inline(__always)
    package mutating func listHeader(_ n: Int) { header(n, short: 0xc0, long: 0xf7) }

    /// A canonical integer.
    @inline(__always)
    package mutating func uint(_ v: UInt64) {
        if v == 0 { byte(0x80); return }
        if v < 0x80 { byte(UInt8(v)); return }
        let n = RLPSize.byteLength(v)
        byte(0x80 + UInt8(n))
        bigEndian(v, count: n)
    }

    /// A canonical 256-bit integer, straight from the limbs: the top limb's significant bytes, then
    /// whole limbs.
    @inline(__always)
    package mutating func uint256(_ v: UInt256) {
        let (w0, w1, w2, w3) = v.littleEndianLimbs
        if w1 | w2 | w3 == 0 { uint(w0); return }
        let n = (v.bitLength + 7) / 8
        byte(0x80 + UInt8(n))  // n ≤ 32 < 56: always the short form
        let top = (n - 1) / 8
        switch top {
        case 1: bigEndian(w1, count: n - 8)
        case 2: bigEndian(w2, count: n - 16); bigEndian(w1, count: 8)
        default: bigEndian(w3, count: n - 24); bigEndian(w2, count: 8); bigEndian(w1, count: 8)
        }
        bigEndian(w0, count: 8)
    }

    /// A byte string.
    @inline(__always)
    package mutating func bytes(_ b: [UInt8]) {
        if b.count == 1, b[0] < 0x80 { byte(b[0]); return }
        header(b.count, short: 0x80, long: 0xb7)
        precondition(position + b.count <= capacity, "RLPWriter: size computed too small")
        b.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { (base + position).update(from: s, count: src.count) }
        }
        position += b.count
    }
}

extension RLP {
    /// Runs `body` on a writer over a new buffer of exactly `count` bytes and returns the bytes.
    /// `body` must write exactly `count` bytes (sizes from ``RLPSize``); writing more traps.
    @inline(__always)
    package static func build(count: Int, _ body: (inout RLPWriter) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            var w = RLPWriter(base: base, capacity: count)
            body(&w)
            precondition(w.position == count, "RLPWriter: wrote \(w.position) of \(count) bytes")
            initialized = count
        }
    }

    /// Runs `body` on a writer over the next `count` bytes of `output`'s free capacity.
    /// - Throws: ``ChainError/Code/outputTooSmall`` when fewer than `count` bytes are free (nothing is written).
    @inline(__always)
    package static func write(count: Int, into output: inout OutputSpan<UInt8>, _ body: (inout RLPWriter) -> Void) throws(ChainError) {
        guard output.freeCapacity >= count else { throw outputTooSmall(needed: count, free: output.freeCapacity) }
        guard count > 0 else { return }
        output.withUnsafeMutableBufferPointer { buffer, initialized in
            var w = RLPWriter(base: buffer.baseAddress! + initialized, capacity: count)
            body(&w)
            precondition(w.position == count, "RLPWriter: wrote \(w.position) of \(count) bytes")
            initialized += count
        }
    }

    /// Appends `count` bytes written by `body` to `out`, growing its capacity only when needed.
    @inline(__always)
    package static func append(count: Int, to out: inout [UInt8], _ body: (inout RLPWriter) -> Void) {
        out.append(addingCapacity: count) { (span: inout OutputSpan<UInt8>) in
            try! write(count: count, into: &span, body)  // the span has exactly `count` free bytes
        }
    }

    static func outputTooSmall(needed: Int, free: Int) -> ChainError {
        ChainError(.outputTooSmall, "the encoding needs \(needed) bytes, the output has \(free) free; reserve more capacity")
    }
}
