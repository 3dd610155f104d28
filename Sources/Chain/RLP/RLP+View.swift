/// One item of a validated RLP encoding, read in place: the payload is a slice of the input and a
/// list's items are decoded lazily from it, so reading a transaction allocates nothing per field.
///
/// Get one from ``RLP/view(_:maxDepth:)``, which checks the whole encoding first (the same strict rules
/// as ``RLP/decode(_:maxDepth:)``); reading a view can then no longer fail.
///
/// ```swift
/// let top = try RLP.view(raw)
/// for field in top.items { print(field.isList, field.payload.count) }
/// ```
public struct RLPView: Sendable {
    /// The whole input (shared storage, not a copy).
    let input: [UInt8]
    let start: Int
    let end: Int
    /// True for a list, false for a byte string.
    public let isList: Bool

    /// A byte string's bytes, or a list's encoded items, as a slice of the input.
    public var payload: ArraySlice<UInt8> { input[start..<end] }

    /// The items of a list, in order (empty for a byte string).
    public var items: Items { Items(input: input, position: start, end: isList ? end : start) }

    /// The items of a list, decoded one at a time from the validated input.
    public struct Items: Sequence, IteratorProtocol, Sendable {
        let input: [UInt8]
        var position: Int
        let end: Int

        public mutating func next() -> RLPView? {
            guard position < end else { return nil }
            let item = RLP.validatedItem(input, at: position)
            position = item.end
            return item
        }

        /// Number of items left (walks their headers).
        public var count: Int {
            var copy = self, n = 0
            while copy.next() != nil { n += 1 }
            return n
        }
    }

    /// The byte string, or an error when the item is a list.
    public func byteString(_ what: String = "item") throws(ChainError) -> ArraySlice<UInt8> {
        guard !isList else { throw ChainError(.rlpUnexpectedShape, "\(what): expected a byte string, got a list") }
        return payload
    }

    /// The list items, or an error when the item is a byte string.
    public func listItems(_ what: String = "item") throws(ChainError) -> Items {
        guard isList else { throw ChainError(.rlpUnexpectedShape, "\(what): expected a list, got a byte string") }
        return items
    }

    /// The item as a canonical unsigned integer of at most 8 bytes.
    /// - Throws: ``ChainError/Code/invalidInteger`` for leading zeros or more than 8 bytes.
    public func uint64(_ what: String = "integer") throws(ChainError) -> UInt64 {
        let b = try byteString(what)
        try RLP.checkCanonicalInteger(b, maxBytes: 8, what: what)
        var v: UInt64 = 0
        for x in b { v = v << 8 | UInt64(x) }
        return v
    }

    /// The owned item tree (allocates; for callers that want ``RLPItem``).
    public var item: RLPItem {
        isList ? .list(items.map(\.item)) : .bytes(Array(payload))
    }
}

extension RLP {
    /// Checks that `bytes` is exactly one canonical RLP item and returns a view of it (no allocation).
    /// - Throws: the errors of ``decode(_:maxDepth:)``.
    public static func view(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(ChainError) -> RLPView {
        guard !bytes.isEmpty else { throw ChainError(.rlpTruncated, "empty input is not an RLP item") }
        var reader = Reader(bytes: bytes, position: 0, maxDepth: maxDepth)
        try reader.skipItem(depth: 0, end: bytes.count)
        guard reader.position == bytes.count else {
            throw ChainError(.rlpTrailingBytes, "\(bytes.count - reader.position) byte(s) after the RLP item at offset \(reader.position)")
        }
        return validatedItem(bytes, at: 0)
    }

    /// The item at `position` of input already checked by ``view(_:maxDepth:)`` (so no bounds can fail).
    @inline(__always)
    static func validatedItem(_ b: [UInt8], at position: Int) -> RLPView {
        let p = b[position]
        if p < 0x80 { return RLPView(input: b, start: position, end: position + 1, isList: false) }
        let isList = p >= 0xc0
        let shortBase: UInt8 = isList ? 0xc0 : 0x80
        if p <= shortBase + 55 {
            let n = Int(p - shortBase)
            return RLPView(input: b, start: position + 1, end: position + 1 + n, isList: isList)
        }
        let lenOfLen = Int(p - shortBase - 55)
        var n = 0
        for i in 0..<lenOfLen { n = n << 8 | Int(b[position + 1 + i]) }
        let start = position + 1 + lenOfLen
        return RLPView(input: b, start: start, end: start + n, isList: isList)
    }
}

extension RLP.Reader {
    /// Checks one item and everything inside it, without building anything.
    mutating func skipItem(depth: Int, end: Int) throws(ChainError) {
        let h = try header(end: end)
        let payloadEnd = h.payloadStart + h.payloadCount
        if h.isList {
            guard depth < maxDepth else { throw ChainError(.rlpTooDeep, "RLP lists nested deeper than \(maxDepth) levels") }
            position = h.payloadStart
            while position < payloadEnd { try skipItem(depth: depth + 1, end: payloadEnd) }
        }
        position = payloadEnd
    }
}
