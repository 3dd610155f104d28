// Parsing, formatting, byte encodings and conversions to other numeric types.

extension UInt256 {
    /// 10¹⁹, the largest power of ten in one limb: decimal text is processed 19 digits at a time.
    @usableFromInline static var decimalChunk: UInt64 { 10_000_000_000_000_000_000 }

    /// Parses a decimal string of ASCII digits only (no sign, spaces or separators; leading zeros allowed).
    /// - Throws: ``ArithmeticError`` `.empty`, `.invalidDigit`, or `.overflow` above 2²⁵⁶ − 1.
    public init(decimal text: some StringProtocol) throws(ArithmeticError) {
        self = try Self.parseDecimal(Substring(text).utf8, what: "UInt256")
    }

    static func parseDecimal(_ utf8: Substring.UTF8View, what: String) throws(ArithmeticError) -> UInt256 {
        if utf8.isEmpty { throw ArithmeticError(.empty, "\(what): the decimal string has no digits") }
        var value = UInt256.zero
        var chunk: UInt64 = 0, chunkDigits = 0, offset = 0
        for c in utf8 {
            let digit = c &- UInt8(ascii: "0")
            guard digit < 10 else {
                throw ArithmeticError(.invalidDigit, "\(what): character '\(Character(Unicode.Scalar(c)))' at offset \(offset) is not a decimal digit")
            }
            chunk = chunk * 10 + UInt64(digit)
            chunkDigits += 1
            offset += 1
            if chunkDigits == 19 {
                guard let v = value.multipliedAdding(decimalChunk, chunk) else {
                    throw ArithmeticError(.overflow, "\(what): decimal value exceeds 2^256 - 1")
                }
                value = v
                chunk = 0
                chunkDigits = 0
            }
        }
        if chunkDigits > 0 {
            var scale: UInt64 = 1
            for _ in 0..<chunkDigits { scale *= 10 }
            guard let v = value.multipliedAdding(scale, chunk) else {
                throw ArithmeticError(.overflow, "\(what): decimal value exceeds 2^256 - 1")
            }
            value = v
        }
        return value
    }

    /// `self · factor + addend`, or nil when it needs more than 256 bits.
    @inlinable
    func multipliedAdding(_ factor: UInt64, _ addend: UInt64) -> UInt256? {
        let (p, over) = multipliedByLimb(factor)
        let (s, o) = p.addingReportingOverflow(UInt256(addend))
        return over == 0 && !o ? s : nil
    }

    /// Parses hexadecimal digits (either case) with or without a `0x`/`0X` prefix; leading zeros and an
    /// odd number of digits are allowed.
    /// - Throws: ``ArithmeticError`` `.empty`, `.invalidDigit`, or `.overflow` above 2²⁵⁶ − 1.
    public init(hex text: some StringProtocol) throws(ArithmeticError) {
        var utf8 = Substring(text).utf8[...]
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
            utf8.dropFirst().first == UInt8(ascii: "x") || utf8.dropFirst().first == UInt8(ascii: "X")
        {
            utf8 = utf8.dropFirst(2)
        }
        if utf8.isEmpty { throw ArithmeticError(.empty, "UInt256: the hex string has no digits") }
        var value = UInt256.zero
        var offset = 0
        for c in utf8 {
            guard let nibble = Hex.nibble(c) else {
                throw ArithmeticError(.invalidDigit, "UInt256: character '\(Character(Unicode.Scalar(c)))' at digit \(offset) is not a hex digit")
            }
            if value.w3 >> 60 != 0 { throw ArithmeticError(.overflow, "UInt256: hex value exceeds 2^256 - 1") }
            value = value.shiftedLeft(4) | UInt256(UInt64(nibble))
            offset += 1
        }
        self = value
    }

    /// Minimal lower-case hex with a `0x` prefix: `"0x0"` for zero, no leading zeros otherwise.
    public var hexString: String {
        if isZero { return "0x0" }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
        let nibbles = (bitLength + 3) / 4
        out.reserveCapacity(nibbles + 2)
        for i in stride(from: nibbles - 1, through: 0, by: -1) {
            out.append(digits[Int(self[limb: i / 16] >> UInt64(4 * (i % 16)) & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value as 32 big-endian bytes (the Ethereum ABI word).
    @inlinable
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { writeBigEndian(to: $0) }
        return out
    }

    /// Writes the 32 big-endian bytes into the start of `buffer`, which must hold at least 32 bytes.
    @inlinable
    public func writeBigEndian(to buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 32, "UInt256.writeBigEndian needs 32 bytes")
        buffer.storeBytes(of: w3.bigEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: w2.bigEndian, toByteOffset: 8, as: UInt64.self)
        buffer.storeBytes(of: w1.bigEndian, toByteOffset: 16, as: UInt64.self)
        buffer.storeBytes(of: w0.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// The big-endian bytes without leading zero bytes (empty for zero), as RLP encodes integers.
    public var minimalBigEndianBytes: [UInt8] {
        Array(bigEndianBytes.dropFirst(32 - (bitLength + 7) / 8))
    }

    /// Reads an unsigned big-endian integer of 0 to 32 bytes (shorter inputs are zero-extended).
    /// - Throws: ``ArithmeticError`` `.outOfRange` for more than 32 bytes.
    @inlinable
    public init<Bytes: Collection>(bigEndianBytes bytes: Bytes) throws(ArithmeticError) where Bytes.Element == UInt8 {
        let count = bytes.count
        guard count <= 32 else {
            throw ArithmeticError(.outOfRange, "UInt256: \(count) bytes given, a 256-bit integer has at most 32")
        }
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var index = count - 1  // byte index from the least significant end
        for byte in bytes {
            let shift = UInt64(8 * (index % 8))
            switch index / 8 {
            case 0: limbs.0 |= UInt64(byte) << shift
            case 1: limbs.1 |= UInt64(byte) << shift
            case 2: limbs.2 |= UInt64(byte) << shift
            default: limbs.3 |= UInt64(byte) << shift
            }
            index -= 1
        }
        self.init(littleEndianLimbs: limbs)
    }

    /// Creates a value equal to `value`.
    /// - Throws: ``ArithmeticError`` `.outOfRange` when `value` is negative.
    @inlinable
    public init(exactly value: Int) throws(ArithmeticError) {
        guard value >= 0 else { throw ArithmeticError(.outOfRange, "UInt256: \(value) is negative") }
        self.init(UInt64(value))
    }

    /// The value as a `UInt64`.
    /// - Throws: ``ArithmeticError`` `.outOfRange` above `UInt64.max`.
    @inlinable
    public func toUInt64() throws(ArithmeticError) -> UInt64 {
        guard (w1 | w2 | w3) == 0 else { throw ArithmeticError(.outOfRange, "UInt256: \(self) does not fit UInt64") }
        return w0
    }

    /// The value as an `Int`.
    /// - Throws: ``ArithmeticError`` `.outOfRange` above `Int.max`.
    @inlinable
    public func toInt() throws(ArithmeticError) -> Int {
        guard (w1 | w2 | w3) == 0, w0 <= UInt64(Int.max) else {
            throw ArithmeticError(.outOfRange, "UInt256: \(self) does not fit Int")
        }
        return Int(w0)
    }

    /// The nearest `Double` (round to nearest, ties to even).
    public var doubleValue: Double {
        let bits = bitLength
        if bits <= 64 { return Double(w0) }
        // Keep the top 64 bits and fold every lower one-bit into bit 0 ("sticky"): bit 0 lies below
        // Double's rounding position, so one rounding of this UInt64 rounds the full value correctly.
        let shift = bits - 64
        var top = (self >> shift).w0
        if !(self << (256 - shift)).isZero { top |= 1 }
        return Double(top) * Double(sign: .plus, exponent: shift, significand: 1)
    }
}

// MARK: - Text

extension UInt256: CustomStringConvertible, LosslessStringConvertible {
    /// The decimal digits.
    public var description: String {
        if (w1 | w2 | w3) == 0 { return String(w0) }
        // At most 78 digits: five chunks of 19.
        var chunks: [UInt64] = []
        chunks.reserveCapacity(5)
        var rest = self
        while !rest.isZero {
            let (q, r) = rest.dividedByLimb(Self.decimalChunk, remainderIn: 0)
            chunks.append(r)
            rest = q
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    /// Parses a decimal string; nil when ``init(decimal:)`` would throw.
    public init?(_ description: String) {
        guard let value = try? UInt256(decimal: description) else { return nil }
        self = value
    }
}

extension UInt256: Codable {
    /// Decodes a decimal string (JSON numbers cannot hold 256 bits exactly).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try UInt256(decimal: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the value as a decimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
