import Testing
import GensynTestSupport
@testable import Chain

@Suite struct AddressTests {
    // The examples listed in EIP-55.
    static let eip55 = [
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]

    @Test(arguments: eip55) func eip55Examples(text: String) throws {
        let a = try Address(text)
        let mixed = text.dropFirst(2).contains { $0.isLowercase } && text.dropFirst(2).contains { $0.isUppercase }
        if mixed { #expect(a.checksummed == text) }
        #expect(try Address(text.lowercased()) == a)
        #expect(try Address(a.checksummed) == a)
    }

    @Test func wrongChecksumIsRejected() {
        // Flip the case of one letter in a valid checksummed address.
        let bad = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        #expect { try Address(bad) } throws: { ($0 as? ChainError)?.code == .invalidChecksum }
    }

    @Test func badLengthAndHex() {
        #expect { try Address("0x1234") } throws: { ($0 as? ChainError)?.code == .invalidLength }
        #expect { try Address("0xzz" + String(repeating: "0", count: 38)) } throws: { ($0 as? ChainError)?.code == .invalidHex }
    }

    @Test func differentialChecksumVsEthUtils() throws {
        guard PythonOracle.isAvailable else { return }
        var rng = SeededRandom(seed: 55)
        let addrs = (0..<300).map { _ in try! Address(bytes: rng.bytes(20)) }
        let out = try PythonOracle.run(
            "import sys\nfrom eth_utils import to_checksum_address\nfor l in sys.stdin.read().split():\n print(to_checksum_address(l))",
            input: addrs.map(\.lowercased).joined(separator: "\n"))
        #expect(out.split(separator: "\n").map(String.init) == addrs.map(\.checksummed))
    }
}
