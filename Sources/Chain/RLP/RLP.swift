/// An RLP item: a byte string or a list of items.
///
/// ```swift
/// let item = RLPItem.list([.bytes(Array("dog".utf8)), .uint(1024)])
/// let encoded = RLP.encode(item)
/// assert(try RLP.decode(encoded) == item)
/// ```
public enum RLPItem: Hashable, Sendable {
    /// A byte string.
    case bytes([UInt8])
    /// A list of items.
    case list([RLPItem])

    /// The canonical RLP integer: big-endian bytes without leading zeros (zero is the empty string).
    public static func uint(_ value: UInt64) -> RLPItem { .bytes(RLP.minimalBytes(value)) }

    /// The byte string, or an error when the item is a list.
    public func byteString(_ what: String = "item") throws(ChainError) -> [UInt8] {
        guard case .bytes(let b) = self else { throw ChainError(.rlpUnexpectedShape, "\(what): expected a byte string, got a list") }
        return b
    }

    /// The list items, or an error when the item is a byte string.
    public func listItems(_ what: String = "item") throws(ChainError) -> [RLPItem] {
        guard case .list(let l) = self else { throw ChainError(.rlpUnexpectedShape, "\(what): expected a list, got a byte string") }
        return l
    }

    /// The item as a canonical unsigned integer of at most 8 bytes.
    /// - Throws: ``ChainError/Code/invalidInteger`` for leading zeros or more than 8 bytes.
    public func uint64(_ what: String = "integer") throws(ChainError) -> UInt64 {
        let b = try byteString(what)
        try RLP.checkCanonicalInteger(b, maxBytes: 8, what: what)
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// Strict Recursive Length Prefix encoding and decoding (Ethereum Yellow Paper, appendix B).
///
/// Decoding accepts only the canonical encoding: no non-minimal length prefixes, no single byte
/// below 0x80 wrapped in a string header, no trailing bytes, and a bounded nesting depth.
public enum RLP {
    /// The deepest list nesting ``decode(_:maxDepth:)`` accepts by default.
    public static let defaultMaxDepth = 128

    // MARK: Encoding

    /// The canonical encoding of `item`.
    public static func encode(_ item: RLPItem) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(64)
        append(item, to: &out)
        return out
    }

    /// Appends the encoding of `item` to `out`.
    public static func append(_ item: RLPItem, to out: inout [UInt8]) {
        switch item {
        case .bytes(let b): appendBytes(b, to: &out)
        case .list(let items):
            let start = out.count
            for i in items { append(i, to: &out) }
            insertListHeader(at: start, in: &out)
        }
    }

    /// Appends a byte string.
    @inlinable
    public static func appendBytes<C: Collection<UInt8>>(_ bytes: C, to out: inout [UInt8]) {
        let n = bytes.count
        if n == 1, let first = bytes.first, first < 0x80 {
            out.append(first)
            return
        }
        appendHeader(n, short: 0x80, long: 0xb7, to: &out)
        out.append(contentsOf: bytes)
    }

    /// Appends a canonical unsigned integer.
    @inlinable
    public static func appendUInt(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 { out.append(0x80); return }
        if value < 0x80 { out.append(UInt8(value)); return }
        let n = (64 - value.leadingZeroBitCount + 7) / 8
        out.append(0x80 + UInt8(n))
        for i in stride(from: n - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// Encodes a list whose items `body` appends to the buffer (no intermediate item tree).
    @inlinable
    public static func appendList(to out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        let start = out.count
        body(&out)
        insertListHeader(at: start, in: &out)
    }

    /// Inserts the list header for the payload `out[start...]`.
    @inlinable
    public static func insertListHeader(at start: Int, in out: inout [UInt8]) {
        let n = out.count - start
        if n < 56 {
            out.insert(0xc0 + UInt8(n), at: start)
        } else {
            var header = [UInt8]()
            appendHeader(n, short: 0xc0, long: 0xf7, to: &header)
            out.insert(contentsOf: header, at: start)
        }
    }

    @inlinable
    static func appendHeader(_ n: Int, short: UInt8, long: UInt8, to out: inout [UInt8]) {
        if n < 56 {
            out.append(short + UInt8(n))
        } else {
            let len = minimalBytes(UInt64(n))
            out.append(long + UInt8(len.count))
            out.append(contentsOf: len)
        }
    }

    /// Big-endian bytes of `value` without leading zeros (empty for zero).
    @inlinable
    public static func minimalBytes(_ value: UInt64) -> [UInt8] {
        if value == 0 { return [] }
        let n = (64 - value.leadingZeroBitCount + 7) / 8
        return (0..<n).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(n - 1 - $0))) }
    }

    // MARK: Decoding

    /// Decodes exactly one canonical item spanning all of `bytes`.
    /// - Throws: ``ChainError`` with ``ChainError/Code/rlpTruncated``, ``ChainError/Code/rlpNonCanonical``,
    ///   ``ChainError/Code/rlpTrailingBytes`` or ``ChainError/Code/rlpTooDeep``.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(ChainError) -> RLPItem {
        var reader = Reader(bytes: bytes, position: 0, maxDepth: maxDepth)
        guard !bytes.isEmpty else { throw ChainError(.rlpTruncated, "empty input is not an RLP item") }
        let item = try reader.item(depth: 0, end: bytes.count)
        guard reader.position == bytes.count else {
            throw ChainError(.rlpTrailingBytes, "\(bytes.count - reader.position) byte(s) after the RLP item at offset \(reader.position)")
        }
        return item
    }

    /// The header of one item: where its payload starts and how long it is.
    struct Header {
        var isList: Bool
        var payloadStart: Int
        var payloadCount: Int
    }

    /// The header at `at` (< `end`), checking the payload fits before `end`; `base` must hold `end` bytes.
    static func header(_ bytes: UnsafePointer<UInt8>, at: Int, end: Int) throws(ChainError) -> Header {
        let p = bytes[at]
        switch p {
        case 0..<0x80:
            return Header(isList: false, payloadStart: at, payloadCount: 1)
        case 0x80...0xb7, 0xc0...0xf7:
            let isList = p >= 0xc0
            let n = Int(p - (isList ? 0xc0 : 0x80))
            guard n <= end - at - 1 else {
                throw ChainError(.rlpTruncated, "RLP \(isList ? "list" : "string") at offset \(at) declares \(n) bytes, only \(end - at - 1) remain")
            }
            if !isList, n == 1, bytes[at + 1] < 0x80 {
                throw ChainError(.rlpNonCanonical, "RLP at offset \(at): single byte 0x\(String(bytes[at + 1], radix: 16)) < 0x80 must not be wrapped in a string header")
            }
            return Header(isList: isList, payloadStart: at + 1, payloadCount: n)
        default:
            let isList = p >= 0xf8
            let lenOfLen = Int(p - (isList ? 0xf7 : 0xb7))
            guard lenOfLen <= end - at - 1 else {
                throw ChainError(.rlpTruncated, "RLP length at offset \(at) needs \(lenOfLen) bytes, only \(end - at - 1) remain")
            }
            guard bytes[at + 1] != 0 else {
                throw ChainError(.rlpNonCanonical, "RLP length at offset \(at) has a leading zero byte")
            }
            var n: UInt64 = 0
            for i in 0..<lenOfLen { n = n << 8 | UInt64(bytes[at + 1 + i]) }
            guard n >= 56 else {
                throw ChainError(.rlpNonCanonical, "RLP at offset \(at): length \(n) < 56 must use the short form")
            }
            let remain = end - at - 1 - lenOfLen
            guard n <= UInt64(remain) else {
                throw ChainError(.rlpTruncated, "RLP \(isList ? "list" : "string") at offset \(at) declares \(n) bytes, only \(remain) remain")
            }
            return Header(isList: isList, payloadStart: at + 1 + lenOfLen, payloadCount: Int(n))
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var position: Int
        let maxDepth: Int

        /// Reads the header at `position` and checks the payload fits before `end` (≤ `bytes.count`).
        mutating func header(end: Int) throws(ChainError) -> Header {
            guard position < end else { throw ChainError(.rlpTruncated, "RLP input ends at offset \(position) where an item was expected") }
            let at = position
            return try bytes.withUnsafeBufferPointer { (b) throws(ChainError) -> Header in try RLP.header(b.baseAddress!, at: at, end: end) }
        }

        mutating func item(depth: Int, end: Int) throws(ChainError) -> RLPItem {
            let h = try header(end: end)
            let payloadEnd = h.payloadStart + h.payloadCount
            if !h.isList {
                position = payloadEnd
                return .bytes(Array(bytes[h.payloadStart..<payloadEnd]))
            }
            guard depth < maxDepth else {
                throw ChainError(.rlpTooDeep, "RLP lists nested deeper than \(maxDepth) levels")
            }
            position = h.payloadStart
            var items = [RLPItem]()
            items.reserveCapacity(min(h.payloadCount, 16))  // avoid regrowth for typical short lists
            while position < payloadEnd {
                items.append(try item(depth: depth + 1, end: payloadEnd))
            }
            return .list(items)
        }
    }

    /// Checks that `bytes` is a canonical big-endian integer of at most `maxBytes` bytes.
    package static func checkCanonicalInteger(_ bytes: some Collection<UInt8>, maxBytes: Int, what: String) throws(ChainError) {
        if let first = bytes.first, first == 0 {
            throw ChainError(.invalidInteger, "\(what) has leading zero bytes")
        }
        guard bytes.count <= maxBytes else {
            throw ChainError(.invalidInteger, "\(what) is \(bytes.count) bytes, more than the \(maxBytes) allowed")
        }
    }
}
