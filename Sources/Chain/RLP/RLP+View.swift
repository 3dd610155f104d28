/// One item of a validated RLP encoding, as offsets into the input: no copies, no allocations, and no
/// reference counting per item (a view does not hold the input; pass the same array to read it).
///
/// Get one from ``RLP/view(_:maxDepth:)``, which checks the whole encoding first (the same strict rules
/// as ``RLP/decode(_:maxDepth:)``); reading a view of that input can then no longer fail. Reading it with a
/// different array is a programming error (out-of-range access traps).
///
/// ```swift
/// let top = try RLP.view(raw)
/// for field in top.items(in: raw) { print(field.isList, raw[field.payloadRange]) }
/// ```
public struct RLPView: Hashable, Sendable {
    /// Where the payload lies in the input: a byte string's bytes, or a list's encoded items.
    public let payloadRange: Range<Int>
    /// True for a list, false for a byte string.
    public let isList: Bool

    /// The payload as a slice of `input`.
    public func payload(in input: [UInt8]) -> ArraySlice<UInt8> { input[payloadRange] }

    /// The items of a list, in order (empty for a byte string).
    public func items(in input: [UInt8]) -> Items {
        Items(input: input, position: payloadRange.lowerBound, end: isList ? payloadRange.upperBound : payloadRange.lowerBound)
    }

    /// The items of a list, decoded one at a time from the validated input.
    public struct Items: Sequence, IteratorProtocol, Sendable {
        let input: [UInt8]
        var position: Int
        let end: Int

        public mutating func next() -> RLPView? {
            guard position < end else { return nil }
            let item = RLP.validatedItem(input, at: position)
            position = item.payloadRange.upperBound
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
    public func byteString(in input: [UInt8], _ what: String = "item") throws(ChainError) -> ArraySlice<UInt8> {
        guard !isList else { throw ChainError(.rlpUnexpectedShape, "\(what): expected a byte string, got a list") }
        return input[payloadRange]
    }

    /// The list items, or an error when the item is a byte string.
    public func listItems(in input: [UInt8], _ what: String = "item") throws(ChainError) -> Items {
        guard isList else { throw ChainError(.rlpUnexpectedShape, "\(what): expected a list, got a byte string") }
        return items(in: input)
    }

    /// The item as a canonical unsigned integer of at most 8 bytes.
    /// - Throws: ``ChainError/Code/invalidInteger`` for leading zeros or more than 8 bytes.
    public func uint64(in input: [UInt8], _ what: String = "integer") throws(ChainError) -> UInt64 {
        guard !isList else { throw ChainError(.rlpUnexpectedShape, "\(what): expected a byte string, got a list") }
        let n = payloadRange.count
        if n > 0, input[payloadRange.lowerBound] == 0 { throw ChainError(.invalidInteger, "\(what) has leading zero bytes") }
        guard n <= 8 else { throw ChainError(.invalidInteger, "\(what) is \(n) bytes, more than the 8 allowed") }
        var v: UInt64 = 0
        for i in payloadRange { v = v << 8 | UInt64(input[i]) }
        return v
    }

    /// The owned item tree (allocates; for callers that want ``RLPItem``).
    public func item(in input: [UInt8]) -> RLPItem {
        isList ? .list(items(in: input).map { $0.item(in: input) }) : .bytes(Array(input[payloadRange]))
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
        if p < 0x80 { return RLPView(payloadRange: position..<position + 1, isList: false) }
        let isList = p >= 0xc0
        let shortBase: UInt8 = isList ? 0xc0 : 0x80
        if p <= shortBase + 55 {
            let n = Int(p - shortBase)
            return RLPView(payloadRange: position + 1..<position + 1 + n, isList: isList)
        }
        let lenOfLen = Int(p - shortBase - 55)
        var n = 0
        for i in 0..<lenOfLen { n = n << 8 | Int(b[position + 1 + i]) }
        let start = position + 1 + lenOfLen
        return RLPView(payloadRange: start..<start + n, isList: isList)
    }
}

extension RLP.Reader {
    /// Checks one item and everything inside it, without building anything.
    mutating func skipItem(depth: Int, end: Int) throws(ChainError) {
        // Fast path for the bulk of a transaction: single bytes and short strings that fit. Anything
        // else (0x81, which must not wrap a byte < 0x80, long forms, lists, truncation) takes `header`.
        if position < end {
            let p = bytes[position]
            if p < 0x80 { position += 1; return }
            if p <= 0xb7, p != 0x81, Int(p - 0x80) <= end - position - 1 { position += 1 + Int(p - 0x80); return }
        }
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
