import GensynPrimitives

/// A 20-byte Ethereum account address.
///
/// Parsing accepts all-lower-case and all-upper-case hex, and mixed case only when it is the
/// correct EIP-55 checksum; ``description`` prints the checksummed form.
///
/// ```swift
/// let a = try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
/// print(a)          // 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
/// ```
public struct Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Length in bytes.
    public static let byteCount = 20
    /// The zero address.
    public static let zero = Address(unchecked: [UInt8](repeating: 0, count: 20))

    /// The 20 raw bytes.
    public let bytes: [UInt8]

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// An address from exactly 20 bytes.
    /// - Throws: ``ChainError/Code/invalidLength`` for any other length.
    public init(bytes: some Collection<UInt8>) throws(ChainError) {
        guard bytes.count == 20 else {
            throw ChainError(.invalidLength, "an address is 20 bytes, got \(bytes.count)")
        }
        self.bytes = Array(bytes)
    }

    /// Parses `0x`-prefixed (or bare) hex of 20 bytes, checking the EIP-55 checksum of mixed-case input.
    /// - Throws: ``ChainError/Code/invalidHex``, ``ChainError/Code/invalidLength`` or
    ///   ``ChainError/Code/invalidChecksum``.
    public init(_ text: some StringProtocol) throws(ChainError) {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        let bytes = try Hex.chainDecode(digits, count: 20, what: "address")
        self.bytes = bytes
        let hasLower = digits.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") }
        let hasUpper = digits.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
        if hasLower && hasUpper {
            let expected = Address.checksumDigits(bytes)
            guard String(digits) == expected else {
                throw ChainError(.invalidChecksum,
                    "address 0x\(digits) has a wrong EIP-55 checksum (expected 0x\(expected)); check for a typo or pass it in one case")
            }
        }
    }

    /// The address of an uncompressed public key (64 bytes X‖Y, or 65 bytes with the 0x04 prefix):
    /// the last 20 bytes of its Keccak-256 hash.
    public init(publicKey: some Collection<UInt8>) throws(ChainError) {
        var key = Array(publicKey)
        if key.count == 65, key[0] == 4 { key.removeFirst() }
        guard key.count == 64 else {
            throw ChainError(.invalidPublicKey, "an uncompressed public key is 64 or 65 bytes, got \(publicKey.count)")
        }
        self.bytes = Array(Keccak256.hash(key)[12...])
    }

    /// The EIP-55 checksummed form, `0x` included.
    public var checksummed: String { "0x" + Address.checksumDigits(bytes) }

    /// The checksummed form.
    public var description: String { checksummed }

    /// The lower-case hex form, `0x` included.
    public var lowercased: String { Hex.encode(bytes, prefix: true) }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// The 40 EIP-55 digits: a letter is upper case when the matching nibble of
    /// keccak(lower-case hex) is ≥ 8.
    static func checksumDigits(_ bytes: [UInt8]) -> String {
        let lower = Array(Hex.encode(bytes).utf8)
        let hash = Keccak256.hash(lower)
        var out = lower
        for i in 0..<out.count where out[i] >= UInt8(ascii: "a") {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            if nibble >= 8 { out[i] -= 32 }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
