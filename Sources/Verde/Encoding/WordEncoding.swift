/// Verde's canonical encoding: a sequence of 32-byte words, fields in declaration order.
///
/// - unsigned integer: one word, big-endian, left zero-padded (ABI `uint256`);
/// - ``Digest``: one word as is (ABI `bytes32`);
/// - byte string / UTF-8 string: a length word, then the bytes right zero-padded to a multiple of 32;
/// - list: a count word, then the elements;
/// - enum case: a tag word, then the case's fields.
///
/// A value made only of integers and digests encodes exactly like ABI `abi.encode` of the same
/// static tuple. Dynamic fields are inline (length-prefixed) rather than ABI head/tail offsets, so
/// every encoding is a plain word stream a contract can walk. Decoding is strict: non-zero padding,
/// out-of-range numbers, unknown tags and trailing bytes are errors, so each value has exactly one
/// encoding.
public protocol WordEncodable {
    /// Appends this value's words.
    func encode(to writer: inout WordWriter)
}

/// A value that decodes strictly from Verde's word encoding.
public protocol WordDecodable {
    /// Reads one value.
    init(from reader: inout WordReader) throws(VerdeError)
}

/// Both directions.
public typealias WordCodable = WordEncodable & WordDecodable

extension WordEncodable {
    /// The canonical encoding.
    public var encoded: [UInt8] {
        var writer = WordWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension WordDecodable {
    /// Decodes one value that must span all of `bytes`.
    /// - Throws: ``VerdeError`` when the bytes are not exactly one canonical encoding.
    public init(encoded bytes: [UInt8]) throws(VerdeError) {
        var reader = WordReader(bytes)
        self = try Self(from: &reader)
        try reader.finish()
    }
}

/// Appends 32-byte words.
public struct WordWriter: Sendable {
    /// The bytes written so far (a multiple of 32).
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// One word holding `value`, big-endian.
    public mutating func write(_ value: UInt64) {
        let zero: (UInt64, UInt64, UInt64) = (0, 0, 0)
        Swift.withUnsafeBytes(of: zero) { bytes.append(contentsOf: $0) }
        Swift.withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// One word holding `value` (must be non-negative; callers validate).
    public mutating func write(_ value: Int) { write(UInt64(value)) }

    /// One word holding `value` as 0 or 1.
    public mutating func write(_ value: Bool) { write(UInt64(value ? 1 : 0)) }

    /// One word: the digest's bytes.
    public mutating func write(_ digest: Digest) { digest.withUnsafeBytes { bytes.append(contentsOf: $0) } }

    /// A length word, then the bytes right-padded with zeros to a multiple of 32.
    public mutating func write(bytes data: some Collection<UInt8>) {
        write(UInt64(data.count))
        bytes.append(contentsOf: data)
        let pad = (32 - data.count % 32) % 32
        bytes.append(contentsOf: repeatElement(0, count: pad))
    }

    /// A UTF-8 string as a byte string.
    public mutating func write(string: String) { write(bytes: Array(string.utf8)) }

    /// A count word, then each element.
    public mutating func write<T: WordEncodable>(list: [T]) {
        write(UInt64(list.count))
        for element in list { element.encode(to: &self) }
    }

    /// A nested value.
    public mutating func write(_ value: some WordEncodable) { value.encode(to: &self) }
}

/// Reads 32-byte words strictly.
public struct WordReader: Sendable {
    let bytes: [UInt8]
    /// Byte offset of the next word.
    public private(set) var offset = 0

    /// A reader over `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte was read.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Throws unless every byte was read.
    public func finish() throws(VerdeError) {
        guard isAtEnd else {
            throw VerdeError(.trailingBytes, "\(bytes.count - offset) bytes after the encoded value at offset \(offset)")
        }
    }

    mutating func take(_ count: Int, _ what: String) throws(VerdeError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else {
            throw VerdeError(.truncated, "\(what): needs \(count) bytes at offset \(offset), \(bytes.count - offset) left")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// A word holding an unsigned integer below 2^64.
    public mutating func readUInt64(_ what: String = "integer") throws(VerdeError) -> UInt64 {
        let at = offset
        let word = try take(32, what)
        guard word.prefix(24).allSatisfy({ $0 == 0 }) else {
            throw VerdeError(.invalidWord, "\(what) at offset \(at) does not fit in 64 bits")
        }
        return word.suffix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A word holding an integer in `0...limit`.
    public mutating func readInt(_ what: String = "integer", max limit: Int = Int.max) throws(VerdeError) -> Int {
        let at = offset
        let value = try readUInt64(what)
        guard value <= UInt64(limit) else {
            throw VerdeError(.invalidWord, "\(what) at offset \(at) is \(value), above the limit \(limit)")
        }
        return Int(value)
    }

    /// A word holding 0 or 1.
    public mutating func readBool(_ what: String = "flag") throws(VerdeError) -> Bool {
        try readInt(what, max: 1) == 1
    }

    /// A digest word.
    public mutating func readDigest(_ what: String = "digest") throws(VerdeError) -> Digest {
        try Digest(bytes: take(32, what))
    }

    /// A length-prefixed, zero-padded byte string of at most `limit` bytes.
    public mutating func readBytes(_ what: String = "bytes", max limit: Int = 1 << 24) throws(VerdeError) -> [UInt8] {
        let count = try readInt("\(what) length", max: limit)
        let at = offset
        let data = try take(count, what)
        let pad = try take((32 - count % 32) % 32, "\(what) padding")
        guard pad.allSatisfy({ $0 == 0 }) else {
            throw VerdeError(.invalidWord, "\(what) at offset \(at) has non-zero padding")
        }
        return Array(data)
    }

    /// A length-prefixed UTF-8 string.
    public mutating func readString(_ what: String = "string", max limit: Int = 1 << 16) throws(VerdeError) -> String {
        let data = try readBytes(what, max: limit)
        guard let text = String(validating: data, as: UTF8.self) else {
            throw VerdeError(.invalidValue, "\(what) is not valid UTF-8")
        }
        return text
    }

    /// A count-prefixed list of at most `limit` elements.
    public mutating func readList<T: WordDecodable>(
        _ type: T.Type, _ what: String = "list", max limit: Int = 1 << 20
    ) throws(VerdeError) -> [T] {
        let count = try readInt("\(what) count", max: limit)
        // Each element takes at least one word: reject counts the remaining bytes cannot hold.
        guard count <= (bytes.count - offset) / 32 else {
            throw VerdeError(.truncated, "\(what) claims \(count) elements but only \((bytes.count - offset) / 32) words remain")
        }
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try T(from: &self)) }
        return out
    }
}

extension Digest: WordCodable {
    public func encode(to writer: inout WordWriter) { writer.write(self) }
    public init(from reader: inout WordReader) throws(VerdeError) { self = try reader.readDigest() }
}
