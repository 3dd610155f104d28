import GensynPrimitives
import Testing

@Suite("Hex")
struct HexTests {
    @Test("round trip", arguments: [[], [0], [0xff], [0x00, 0x01, 0xab, 0xcd, 0xef]] as [[UInt8]])
    func roundTrip(bytes: [UInt8]) throws {
        #expect(try Hex.decode(Hex.encode(bytes)) == bytes)
        #expect(try Hex.decode(Hex.encode(bytes, prefix: true)) == bytes)
    }

    @Test("accepts either case and 0X")
    func cases() throws {
        #expect(try Hex.decode("0XaBcD") == [0xab, 0xcd])
        #expect(Hex.encode([0xab, 0xcd], prefix: true) == "0xabcd")
    }

    @Test("rejects odd length and non-hex characters", arguments: ["0x1", "abc", "0xzz", "g0", "0x 0"])
    func rejects(text: String) {
        #expect(throws: HexError.self) { try Hex.decode(text) }
    }
}
