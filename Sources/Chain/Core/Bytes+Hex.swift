import GensynPrimitives

extension Hex {
    /// Decodes hex into bytes, mapping ``HexError`` to ``ChainError/Code/invalidHex``.
    package static func chainDecode(_ text: some StringProtocol, what: String) throws(ChainError) -> [UInt8] {
        do { return try Hex.decode(text) } catch {
            throw ChainError(.invalidHex, "\(what): \(error.message)")
        }
    }

    /// Decodes hex that must be exactly `count` bytes long.
    package static func chainDecode(_ text: some StringProtocol, count: Int, what: String) throws(ChainError) -> [UInt8] {
        let bytes = try chainDecode(text, what: what)
        guard bytes.count == count else {
            throw ChainError(.invalidLength, "\(what) must be \(count) bytes, got \(bytes.count)")
        }
        return bytes
    }
}
