/// Lower-case hexadecimal encoding and strict decoding of byte strings.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`, with a `0x` prefix when `prefix` is true.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes, prefix: Bool = false) -> String
    where Bytes.Element == UInt8 {
        var utf8: [UInt8] = prefix ? [UInt8(ascii: "0"), UInt8(ascii: "x")] : []
        utf8.reserveCapacity(bytes.underestimatedCount * 2 + 2)
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Decodes hex digits (either case), with or without a `0x`/`0X` prefix.
    ///
    /// - Throws: ``HexError`` for an odd number of digits or a character that is not a hex digit.
    public static func decode(_ text: some StringProtocol) throws(HexError) -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
            utf8.dropFirst().first == UInt8(ascii: "x") || utf8.dropFirst().first == UInt8(ascii: "X")
        {
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count % 2 == 0 else { throw HexError(.oddLength, "hex string has an odd number of digits (\(utf8.count))") }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        var offset = 0
        for char in utf8 {
            guard let nibble = nibble(char) else {
                throw HexError(.invalidCharacter, "character '\(Character(Unicode.Scalar(char)))' at digit \(offset) is not a hex digit")
            }
            if let h = high { out.append(h << 4 | nibble); high = nil } else { high = nibble }
            offset += 1
        }
        return out
    }

    /// The value of one ASCII hex digit (either case), or nil.
    @inline(__always)
    package static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }
}

/// A hex string that could not be decoded.
public struct HexError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public static let oddLength = Code(name: "oddLength")
        public static let invalidCharacter = Code(name: "invalidCharacter")
        public var description: String { name }
    }
    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "HexError.\(code): \(message)" }
}
