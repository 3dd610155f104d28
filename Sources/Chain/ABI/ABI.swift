import GensynPrimitives

/// Solidity ABI encoding and strict decoding.
///
/// Decoding checks every offset and length against the data (no out-of-range read), the padding of
/// every word (integers, addresses, booleans, `bytesN`, and the tail of `bytes`/`string`), UTF-8 of
/// strings, and bounds the work done on hostile input (offsets pointing at shared data).
///
/// ```swift
/// let types = try [ABIType("uint256"), ABIType("string")]
/// let data = try ABI.encode([.uint(7), .string("hi")], as: types)
/// let values = try ABI.decode(types, from: data)   // [.uint(7), .string("hi")]
/// ```
public enum ABI {
    // MARK: Encoding

    /// Encodes `values` as the tuple `types` (function arguments, return data, event data).
    /// - Throws: ``ChainError/Code/abiTypeMismatch`` when a value does not fit its type.
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws(ChainError) -> [UInt8] {
        guard values.count == types.count else {
            throw ChainError(.abiTypeMismatch, "\(values.count) value(s) given for \(types.count) type(s)")
        }
        // The common call shape: elementary static types only, one word each at a fixed place.
        // Values are read through a buffer pointer: borrowed, not copied (an ABIValue copy retains its payload).
        if types.allSatisfy(\.isElementaryStatic) {
            return try values.withUnsafeBufferPointer { (vp) throws(ChainError) -> [UInt8] in
                for i in 0..<types.count { _ = try valueSize(vp[i], as: types[i]) }
                let size = 32 * types.count
                return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                    guard let base = buffer.baseAddress else { count = 0; return }
                    base.initialize(repeating: 0, count: size)
                    for i in 0..<types.count { _ = writeValue(vp[i], as: types[i], to: base, at: 32 * i) }
                    count = size
                }
            }
        }
        // Two passes: check every value and size the encoding, then write into one zeroed buffer of
        // exactly that size (no appends, no regrowth, no list of pending offsets).
        let size = try sequenceSize(count: types.count, typeAt: { types[$0] }, values: values)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            guard let base = buffer.baseAddress else { count = 0; return }
            base.initialize(repeating: 0, count: size)
            _ = writeSequence(count: types.count, typeAt: { types[$0] }, values: values, to: base, at: 0)
            count = size
        }
    }

    /// Encodes one value of `type` (a single value is a one-element tuple).
    public static func encode(_ value: ABIValue, as type: ABIType) throws(ChainError) -> [UInt8] {
        try encode([value], as: [type])
    }

    static func mismatch(_ value: ABIValue, _ type: ABIType, _ why: String = "") -> ChainError {
        ChainError(.abiTypeMismatch, "value \(value) does not fit type \(type)\(why.isEmpty ? "" : ": " + why)")
    }

    /// Bytes of a padded `bytes`/`string` encoding: the length word and the data rounded up to words.
    @inline(__always)
    static func paddedSize(_ n: Int) -> Int { 32 + (n + 31) / 32 * 32 }

    /// Pass 1: the encoded size of a tuple-like sequence (heads plus tails), checking every value.
    static func sequenceSize(count: Int, typeAt: (Int) -> ABIType, values: [ABIValue]) throws(ChainError) -> Int {
        try values.withUnsafeBufferPointer { (vp) throws(ChainError) -> Int in  // borrow, don't copy, each value
            var total = 0
            for i in 0..<count {
                let t = typeAt(i)
                let n = try valueSize(vp[i], as: t)
                total += t.isDynamic ? 32 + n : n
            }
            return total
        }
    }

    /// Pass 1 for one value: its encoded size (the tail for dynamic types), or a type mismatch.
    // Switches on the type, then the value: a switch over a (type, value) tuple made the runtime
    // look up tuple metadata on every call.
    static func valueSize(_ value: ABIValue, as type: ABIType) throws(ChainError) -> Int {
        switch type {
        case .uint(let bits):
            let v: UInt256
            switch value {
            case .uint(let x): v = x
            case .int(let x) where !x.isNegative: v = UInt256(bitPattern: x)
            default: throw mismatch(value, type)
            }
            guard v.bitLength <= bits else { throw mismatch(value, type, "needs \(v.bitLength) bits") }
            return 32
        case .int(let bits):
            let v: Int256
            switch value {
            case .int(let x): v = x
            case .uint(let x):
                guard let s = try? Int256(exactly: x) else { throw mismatch(value, type, "out of range") }
                v = s
            default: throw mismatch(value, type)
            }
            let magnitudeBits = v.isNegative ? (UInt256(bitPattern: ~v)).bitLength : UInt256(bitPattern: v).bitLength
            guard magnitudeBits < bits else { throw mismatch(value, type, "out of range") }
            return 32
        case .address:
            guard case .address = value else { throw mismatch(value, type) }
            return 32
        case .bool:
            guard case .bool = value else { throw mismatch(value, type) }
            return 32
        case .fixedBytes(let n):
            guard case .fixedBytes(let b) = value else { throw mismatch(value, type) }
            guard b.count == n else { throw mismatch(value, type, "has \(b.count) bytes") }
            return 32
        case .bytes:
            switch value {
            case .bytes(let b): return paddedSize(b.count)
            case .string(let s): return paddedSize(s.utf8.count)
            default: throw mismatch(value, type)
            }
        case .string:
            guard case .string(let s) = value else { throw mismatch(value, type) }
            return paddedSize(s.utf8.count)
        case .array(let t, let k):
            guard case .array(let items) = value else { throw mismatch(value, type) }
            guard items.count == k else { throw mismatch(value, type, "has \(items.count) elements") }
            return try sequenceSize(count: k, typeAt: { _ in t }, values: items)
        case .dynamicArray(let t):
            guard case .array(let items) = value else { throw mismatch(value, type) }
            return 32 + (try sequenceSize(count: items.count, typeAt: { _ in t }, values: items))
        case .tuple(let ts):
            let items: [ABIValue]
            switch value {
            case .tuple(let x), .array(let x): items = x
            default: throw mismatch(value, type)
            }
            guard items.count == ts.count else { throw mismatch(value, type, "has \(items.count) members") }
            return try sequenceSize(count: ts.count, typeAt: { ts[$0] }, values: items)
        }
    }

    /// Pass 2: writes a sequence at `start` (heads, then the tails they point to); returns its end.
    /// Values were checked by pass 1 and the buffer is zeroed, so only non-zero bytes are written.
    static func writeSequence(count: Int, typeAt: (Int) -> ABIType, values: [ABIValue],
                              to base: UnsafeMutablePointer<UInt8>, at start: Int) -> Int {
        var headSize = 0
        for i in 0..<count { headSize += typeAt(i).headSize }
        var head = start, tail = start + headSize
        values.withUnsafeBufferPointer { vp in
            for i in 0..<count {
                let t = typeAt(i)
                if t.isDynamic {
                    writeWord(UInt64(tail - start), to: base + head)
                    tail = writeValue(vp[i], as: t, to: base, at: tail)
                    head += 32
                } else {
                    head = writeValue(vp[i], as: t, to: base, at: head)
                }
            }
        }
        return tail
    }

    /// The low 8 bytes of a zeroed word, big-endian.
    @inline(__always)
    static func writeWord(_ v: UInt64, to word: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(word + 24).storeBytes(of: v.bigEndian, as: UInt64.self)
    }

    @inline(__always)
    static func copy(_ bytes: [UInt8], to dst: UnsafeMutablePointer<UInt8>) {
        bytes.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { dst.update(from: s, count: src.count) }
        }
    }

    /// Pass 2 for one value at `pos`; returns the position after it. The unmatched cases cannot
    /// happen after pass 1 and write nothing.
    static func writeValue(_ value: ABIValue, as type: ABIType, to base: UnsafeMutablePointer<UInt8>, at pos: Int) -> Int {
        let word = UnsafeMutableRawBufferPointer(start: base + pos, count: 32)
        switch type {
        case .uint:
            switch value {
            case .uint(let x): x.writeBigEndian(to: word)
            case .int(let x): UInt256(bitPattern: x).writeBigEndian(to: word)
            default: break
            }
            return pos + 32
        case .int:
            switch value {
            case .int(let x): UInt256(bitPattern: x).writeBigEndian(to: word)
            case .uint(let x): x.writeBigEndian(to: word)  // checked to be < 2^(bits-1)
            default: break
            }
            return pos + 32
        case .address:
            if case .address(let a) = value { copy(a.bytes, to: base + pos + 12) }
            return pos + 32
        case .bool:
            if case .bool(true) = value { base[pos + 31] = 1 }
            return pos + 32
        case .fixedBytes:
            if case .fixedBytes(let b) = value { copy(b, to: base + pos) }
            return pos + 32
        case .bytes, .string:
            switch value {
            case .bytes(let b):
                writeWord(UInt64(b.count), to: base + pos)
                copy(b, to: base + pos + 32)
                return pos + paddedSize(b.count)
            case .string(let s):
                var n = 0
                for (i, c) in s.utf8.enumerated() { base[pos + 32 + i] = c; n += 1 }
                writeWord(UInt64(n), to: base + pos)
                return pos + paddedSize(n)
            default: return pos
            }
        case .array(let t, let k):
            guard case .array(let items) = value else { return pos }
            return writeSequence(count: k, typeAt: { _ in t }, values: items, to: base, at: pos)
        case .dynamicArray(let t):
            guard case .array(let items) = value else { return pos }
            writeWord(UInt64(items.count), to: base + pos)
            return writeSequence(count: items.count, typeAt: { _ in t }, values: items, to: base, at: pos + 32)
        case .tuple(let ts):
            switch value {
            case .tuple(let items), .array(let items):
                return writeSequence(count: ts.count, typeAt: { ts[$0] }, values: items, to: base, at: pos)
            default: return pos
            }
        }
    }

    // MARK: Decoding

    /// Decodes `data` as the tuple `types`. Bytes after the encoding are ignored, as the EVM does.
    /// - Throws: ``ChainError/Code/abiInvalidData`` for short data, bad offsets or lengths, non-zero
    ///   padding, out-of-range integers, invalid booleans or invalid UTF-8.
    public static func decode(_ types: [ABIType], from data: some Collection<UInt8>) throws(ChainError) -> [ABIValue] {
        let bytes = Array(data)
        var decoder = Decoder(data: bytes, budget: 64 * bytes.count + 4096)
        return try decoder.sequence(count: types.count, typeAt: { types[$0] }, base: 0)
    }

    /// Decodes one value of `type`.
    public static func decode(_ type: ABIType, from data: some Collection<UInt8>) throws(ChainError) -> ABIValue {
        try decode([type], from: data)[0]
    }

    struct Decoder {
        let data: [UInt8]
        /// Work left, in bytes produced or words read; hostile offsets that share data cannot blow it up.
        var budget: Int

        func fail(_ message: String) -> ChainError { ChainError(.abiInvalidData, message) }

        mutating func spend(_ n: Int) throws(ChainError) {
            budget -= n
            guard budget >= 0 else { throw fail("ABI data decodes to far more than its size (overlapping offsets); refusing") }
        }

        func word(at pos: Int) throws(ChainError) -> ArraySlice<UInt8> {
            guard pos >= 0, pos <= data.count - 32 else {
                throw fail("ABI data too short: a word at offset \(pos) needs \(pos + 32) bytes, have \(data.count)")
            }
            return data[pos..<pos + 32]
        }

        /// A word that must be a small non-negative integer (an offset or a length).
        func smallInt(at pos: Int, what: String) throws(ChainError) -> Int {
            let w = try word(at: pos)
            guard w.prefix(24).allSatisfy({ $0 == 0 }) else { throw fail("\(what) at offset \(pos) is too large") }
            let v = w.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard v <= UInt64(data.count) else { throw fail("\(what) \(v) at offset \(pos) points beyond the \(data.count) bytes of data") }
            return Int(v)
        }

        mutating func sequence(count: Int, typeAt: (Int) -> ABIType, base: Int) throws(ChainError) -> [ABIValue] {
            var values = [ABIValue]()
            values.reserveCapacity(count)
            var head = base
            for i in 0..<count {
                let t = typeAt(i)
                try spend(max(t.headSize, 1))
                if t.isDynamic {
                    let offset = try smallInt(at: head, what: "offset")
                    guard offset <= data.count - base else {
                        throw fail("offset \(offset) at \(head) points beyond the data")
                    }
                    values.append(try value(t, at: base + offset))
                } else {
                    values.append(try value(t, at: head))
                }
                head += t.headSize
            }
            return values
        }

        mutating func value(_ type: ABIType, at pos: Int) throws(ChainError) -> ABIValue {
            switch type {
            case .uint(let bits):
                let w = try word(at: pos)
                let v = try! UInt256(bigEndianBytes: w)
                guard v.bitLength <= bits else { throw fail("uint\(bits) at offset \(pos) has bits set above bit \(bits)") }
                return .uint(v)
            case .int(let bits):
                let w = try word(at: pos)
                let v = try! Int256(bigEndianBytes: w)
                let signByteCount = 32 - bits / 8
                let fill: UInt8 = (w[w.startIndex + signByteCount] & 0x80) != 0 ? 0xff : 0
                guard w.prefix(signByteCount).allSatisfy({ $0 == fill }) else {
                    throw fail("int\(bits) at offset \(pos) is not sign-extended")
                }
                return .int(v)
            case .address:
                let w = try word(at: pos)
                guard w.prefix(12).allSatisfy({ $0 == 0 }) else { throw fail("address at offset \(pos) has non-zero padding") }
                return .address(Address(unchecked: Array(w.suffix(20))))
            case .bool:
                let w = try word(at: pos)
                guard w.prefix(31).allSatisfy({ $0 == 0 }), w.last! <= 1 else { throw fail("bool at offset \(pos) is not 0 or 1") }
                return .bool(w.last! == 1)
            case .fixedBytes(let n):
                let w = try word(at: pos)
                guard w.suffix(32 - n).allSatisfy({ $0 == 0 }) else { throw fail("bytes\(n) at offset \(pos) has non-zero padding") }
                return .fixedBytes(Array(w.prefix(n)))
            case .bytes, .string:
                let n = try smallInt(at: pos, what: "length")
                let start = pos + 32
                let padded = (n + 31) / 32 * 32
                guard padded <= data.count - start else {
                    throw fail("\(type) at offset \(pos) declares \(n) bytes, only \(data.count - start) remain")
                }
                try spend(padded)
                guard data[start + n..<start + padded].allSatisfy({ $0 == 0 }) else {
                    throw fail("\(type) at offset \(pos) has non-zero padding")
                }
                let payload = Array(data[start..<start + n])
                if case .bytes = type { return .bytes(payload) }
                guard let s = String(validating: payload, as: UTF8.self) else {
                    throw fail("string at offset \(pos) is not valid UTF-8")
                }
                return .string(s)
            case .array(let t, let k):
                guard k <= data.count else { throw fail("array length \(k) exceeds the data") }
                return .array(try sequence(count: k, typeAt: { _ in t }, base: pos))
            case .dynamicArray(let t):
                let n = try smallInt(at: pos, what: "array length")
                let base = pos + 32
                guard n <= (data.count - min(base, data.count)) / max(t.headSize, 1) else {
                    throw fail("array at offset \(pos) declares \(n) elements, more than the data holds")
                }
                return .array(try sequence(count: n, typeAt: { _ in t }, base: base))
            case .tuple(let ts):
                return .tuple(try sequence(count: ts.count, typeAt: { ts[$0] }, base: pos))
            }
        }
    }
}

extension ABISignature {
    /// The 4-byte selector: the first bytes of keccak256 of the canonical signature.
    public var selector: [UInt8] { Array(Keccak256.hash(Array(description.utf8)).prefix(4)) }

    /// Calldata: the selector followed by the encoded arguments.
    public func calldata(_ arguments: [ABIValue]) throws(ChainError) -> [UInt8] {
        selector + (try ABI.encode(arguments, as: inputs))
    }

    /// Decodes calldata made for this function (checks the selector).
    public func decodeCalldata(_ data: some Collection<UInt8>) throws(ChainError) -> [ABIValue] {
        let d = Array(data)
        guard d.count >= 4, Array(d.prefix(4)) == selector else {
            throw ChainError(.abiInvalidData, "calldata does not start with the selector 0x\(Hex.encode(selector)) of \(self)")
        }
        return try ABI.decode(inputs, from: d.dropFirst(4))
    }
}
