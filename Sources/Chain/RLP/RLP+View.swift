/// One item of a validated RLP encoding, as offsets into the input: no copies, no allocations, and no
/// reference counting per item (a view does not hold the input; pass the same array to read it).
///
/// Get one from ``RLP/view(_:maxDepth:)``, which checks the whole encoding first (the same strict rules
/// as ``RLP/decode(_:maxDepth:)``); reading a view of that input can then no longer fail on the encoding.
///
/// A view remembers which array it was made from (its storage and length). Reading it with any other
/// array throws ``ChainError/Code/rlpInputMismatch`` instead of reading out of range; a copy of the
/// array (same storage) is fine. Reading never traps, even if the array was mutated in place after
/// validation (then the results are meaningless, but in bounds).
///
/// ```swift
/// let top = try RLP.view(raw)
/// for field in try top.items(in: raw) { print(field.isList, try field.payload(in: raw)) }
/// ```
public struct RLPView: Hashable, Sendable {
    /// Where the payload lies in the input: a byte string's bytes, or a list's encoded items.
    public let payloadRange: Range<Int>
    /// True for a list, false for a byte string.
    public let isList: Bool
    /// The validated input's length and storage address: checked by every reader.
    @usableFromInline let inputCount: Int
    @usableFromInline let inputIdentity: UInt

    @inlinable @inline(__always)
    init(payloadRange: Range<Int>, isList: Bool, inputCount: Int, inputIdentity: UInt) {
        self.payloadRange = payloadRange
        self.isList = isList
        self.inputCount = inputCount
        self.inputIdentity = inputIdentity
    }

    /// Throws unless `input` is the array this view was made from.
    @inlinable @inline(__always)
    func check(_ input: [UInt8]) throws(ChainError) {
        guard input.count == inputCount, RLP.identity(of: input) == inputIdentity else {
            throw RLP.inputMismatch(expected: inputCount, got: input.count)
        }
    }

    /// The payload as a slice of `input`.
    /// - Throws: ``ChainError/Code/rlpInputMismatch`` when `input` is not the array the view was made from.
    @inlinable
    public func payload(in input: [UInt8]) throws(ChainError) -> ArraySlice<UInt8> {
        try check(input)
        return input[payloadRange]
    }

    /// The items of a list, in order (empty for a byte string).
    /// - Throws: ``ChainError/Code/rlpInputMismatch`` when `input` is not the array the view was made from.
    @inlinable
    public func items(in input: [UInt8]) throws(ChainError) -> Items {
        try check(input)
        return Items(input: input, position: payloadRange.lowerBound,
                     end: isList ? payloadRange.upperBound : payloadRange.lowerBound, identity: inputIdentity)
    }

    /// The items of a list, read one at a time from the validated input (one reference to the input for
    /// the whole walk, none per item).
    public struct Items: Sequence, IteratorProtocol, Sendable {
        @usableFromInline let input: [UInt8]
        @usableFromInline var position: Int
        @usableFromInline let end: Int
        @usableFromInline let identity: UInt

        @inlinable
        init(input: [UInt8], position: Int, end: Int, identity: UInt) {
            self.input = input
            self.position = position
            self.end = end
            self.identity = identity
        }

        /// The next item, or nil after the last one.
        @inlinable
        public mutating func next() -> RLPView? {
            guard position < end else { return nil }
            // Bounds-checked header read: validated input always passes; input mutated in place after
            // validation ends the walk instead of reading past the list.
            guard let item = RLP.itemInBounds(input, at: position, end: end, identity: identity) else {
                position = end
                return nil
            }
            position = item.payloadRange.upperBound
            return item
        }

        /// Number of items left (walks their headers).
        @inlinable
        public var count: Int {
            var copy = self, n = 0
            while copy.next() != nil { n += 1 }
            return n
        }
    }

    /// The byte string, or an error when the item is a list.
    /// - Throws: ``ChainError/Code/rlpUnexpectedShape`` for a list; ``ChainError/Code/rlpInputMismatch``.
    @inlinable
    public func byteString(in input: [UInt8], _ what: String = "item") throws(ChainError) -> ArraySlice<UInt8> {
        try check(input)
        guard !isList else { throw RLP.shapeError(what, expectedList: false) }
        return input[payloadRange]
    }

    /// The list items, or an error when the item is a byte string.
    /// - Throws: ``ChainError/Code/rlpUnexpectedShape`` for a byte string; ``ChainError/Code/rlpInputMismatch``.
    @inlinable
    public func listItems(in input: [UInt8], _ what: String = "item") throws(ChainError) -> Items {
        guard isList else { throw RLP.shapeError(what, expectedList: true) }
        return try items(in: input)
    }

    /// The item as a canonical unsigned integer of at most 8 bytes.
    /// - Throws: ``ChainError/Code/invalidInteger`` for leading zeros or more than 8 bytes;
    ///   ``ChainError/Code/rlpUnexpectedShape`` for a list; ``ChainError/Code/rlpInputMismatch``.
    @inlinable
    public func uint64(in input: [UInt8], _ what: String = "integer") throws(ChainError) -> UInt64 {
        try check(input)
        guard !isList else { throw RLP.shapeError(what, expectedList: false) }
        let n = payloadRange.count
        if n > 0, input[payloadRange.lowerBound] == 0 { throw RLP.integerError(what, count: n, leadingZero: true) }
        guard n <= 8 else { throw RLP.integerError(what, count: n, leadingZero: false) }
        var v: UInt64 = 0
        for i in payloadRange { v = v << 8 | UInt64(input[i]) }
        return v
    }

    /// The owned item tree (allocates; for callers that want ``RLPItem``).
    /// - Throws: ``ChainError/Code/rlpInputMismatch`` when `input` is not the array the view was made from.
    public func item(in input: [UInt8]) throws(ChainError) -> RLPItem {
        try check(input)
        guard isList else { return .bytes(Array(input[payloadRange])) }
        var out: [RLPItem] = []
        for i in try items(in: input) { out.append(try i.item(in: input)) }
        return .list(out)
    }
}

extension RLP {
    /// Checks that `bytes` is exactly one canonical RLP item and returns a view of it (no allocation).
    /// - Throws: the errors of ``decode(_:maxDepth:)``.
    public static func view(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(ChainError) -> RLPView {
        guard !bytes.isEmpty else { throw ChainError(.rlpTruncated, "empty input is not an RLP item") }
        let end = try bytes.withUnsafeBufferPointer { (buffer) throws(ChainError) -> Int in
            let v = Validator(base: buffer.baseAddress!, maxDepth: maxDepth)
            return try v.item(at: 0, end: buffer.count, depth: 0)
        }
        guard end == bytes.count else {
            throw ChainError(.rlpTrailingBytes, "\(bytes.count - end) byte(s) after the RLP item at offset \(end)")
        }
        return itemInBounds(bytes, at: 0, end: bytes.count, identity: identity(of: bytes))!
    }

    /// The storage address of `bytes`, which copies share (what a view checks its input against).
    @inlinable @inline(__always)
    static func identity(of bytes: [UInt8]) -> UInt {
        bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    /// The item whose header is at `position`, or nil when its header or payload would pass `end`
    /// (`end` ≤ `b.count`). Does not re-check canonical form: ``view(_:maxDepth:)`` did.
    @inlinable @inline(__always)
    static func itemInBounds(_ b: [UInt8], at position: Int, end: Int, identity: UInt) -> RLPView? {
        let p = b[position]
        if p < 0x80 { return RLPView(payloadRange: position..<position + 1, isList: false, inputCount: b.count, inputIdentity: identity) }
        let isList = p >= 0xc0
        let shortBase: UInt8 = isList ? 0xc0 : 0x80
        var start = position + 1
        var n: Int
        if p <= shortBase + 55 {
            n = Int(p - shortBase)
        } else {
            let lenOfLen = Int(p - shortBase - 55)  // 1…8
            guard lenOfLen <= end - start else { return nil }
            n = 0
            for i in 0..<lenOfLen { n = n << 8 | Int(b[start + i]) }
            start += lenOfLen
            guard n >= 0 else { return nil }  // a mutated 8-byte length
        }
        guard n <= end - start else { return nil }
        return RLPView(payloadRange: start..<start + n, isList: isList, inputCount: b.count, inputIdentity: identity)
    }

    @usableFromInline
    static func inputMismatch(expected: Int, got: Int) -> ChainError {
        ChainError(.rlpInputMismatch, expected == got
            ? "this RLPView was made from another array of \(expected) bytes; read it with the array passed to RLP.view"
            : "this RLPView was made from a \(expected)-byte array, got \(got) bytes; read it with the array passed to RLP.view")
    }

    @usableFromInline
    static func shapeError(_ what: String, expectedList: Bool) -> ChainError {
        ChainError(.rlpUnexpectedShape, expectedList ? "\(what): expected a list, got a byte string" : "\(what): expected a byte string, got a list")
    }

    @usableFromInline
    static func integerError(_ what: String, count: Int, leadingZero: Bool) -> ChainError {
        ChainError(.invalidInteger, leadingZero ? "\(what) has leading zero bytes" : "\(what) is \(count) bytes, more than the 8 allowed")
    }

    /// One validating pass over the input through a raw pointer (bounds are checked explicitly against
    /// `end` before every read). Single bytes, short strings and short lists take the inline path;
    /// long forms and anything malformed go through `RLP.header(_:at:end:)`, which throws exactly the
    /// error the tree decoder throws at the same offset.
    struct Validator {
        let base: UnsafePointer<UInt8>
        let maxDepth: Int

        /// Checks the item at `at` (which must lie before `end`) and returns the offset after it.
        @inline(__always)
        func item(at pos: Int, end: Int, depth: Int) throws(ChainError) -> Int {
            if pos < end {
                let p = base[pos]
                if p < 0x80 { return pos + 1 }
                let room = end - pos - 1
                if p <= 0xb7 {
                    let n = Int(p &- 0x80)
                    if n <= room, n != 1 || base[pos + 1] >= 0x80 { return pos + 1 + n }
                } else if p >= 0xc0, p <= 0xf7 {
                    let n = Int(p &- 0xc0)
                    if n <= room, depth < maxDepth {
                        try items(from: pos + 1, to: pos + 1 + n, depth: depth + 1)
                        return pos + 1 + n
                    }
                }
            }
            guard pos < end else { throw ChainError(.rlpTruncated, "RLP input ends at offset \(pos) where an item was expected") }
            let h = try RLP.header(base, at: pos, end: end)
            let payloadEnd = h.payloadStart + h.payloadCount
            if h.isList {
                guard depth < maxDepth else { throw ChainError(.rlpTooDeep, "RLP lists nested deeper than \(maxDepth) levels") }
                try items(from: h.payloadStart, to: payloadEnd, depth: depth + 1)
            }
            return payloadEnd
        }

        /// Checks the items of a list payload `start..<end`.
        func items(from start: Int, to end: Int, depth: Int) throws(ChainError) {
            var pos = start
            while pos < end { pos = try item(at: pos, end: end, depth: depth) }
        }
    }
}
