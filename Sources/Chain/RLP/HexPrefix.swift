/// Hex-prefix ("compact") encoding of a nibble path, as Merkle-Patricia trie nodes store keys
/// (Yellow Paper, appendix C): a flag nibble marks odd length and leaf (terminated) paths.
public enum HexPrefix {
    /// Encodes `nibbles` (each 0…15); `terminated` marks a leaf.
    /// - Throws: ``ChainError/Code/invalidInteger`` for a value above 15.
    public static func encode(_ nibbles: [UInt8], terminated: Bool) throws(ChainError) -> [UInt8] {
        guard nibbles.allSatisfy({ $0 < 16 }) else { throw ChainError(.invalidInteger, "a nibble is 0…15") }
        let flag: UInt8 = (terminated ? 2 : 0) + (nibbles.count % 2 == 1 ? 1 : 0)
        var out: [UInt8] = []
        out.reserveCapacity(nibbles.count / 2 + 1)
        var rest = nibbles[...]
        if nibbles.count % 2 == 1 {
            out.append(flag << 4 | rest.removeFirst())
        } else {
            out.append(flag << 4)
        }
        while let hi = rest.popFirst(), let lo = rest.popFirst() { out.append(hi << 4 | lo) }
        return out
    }

    /// Decodes to (nibbles, terminated).
    /// - Throws: ``ChainError/Code/rlpNonCanonical`` for an empty input or a bad flag nibble.
    public static func decode(_ bytes: [UInt8]) throws(ChainError) -> (nibbles: [UInt8], terminated: Bool) {
        guard let first = bytes.first, first >> 4 < 4 else { throw ChainError(.rlpNonCanonical, "hex-prefix data needs a flag nibble 0…3") }
        let flag = first >> 4
        if flag & 1 == 0, first & 0x0f != 0 { throw ChainError(.rlpNonCanonical, "even hex-prefix path must pad with a zero nibble") }
        var nibbles: [UInt8] = flag & 1 == 1 ? [first & 0x0f] : []
        for b in bytes.dropFirst() { nibbles.append(b >> 4); nibbles.append(b & 0x0f) }
        return (nibbles, flag & 2 != 0)
    }
}
