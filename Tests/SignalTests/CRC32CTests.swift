import GensynTestSupport
import Testing
@testable import Signal

@Suite struct CRC32CTests {
    // Check value of the CRC-32C catalogue and the iSCSI test patterns of RFC 3720, appendix B.4.
    @Test func knownAnswers() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xff, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    /// Incremental updates equal the one-shot checksum at every split (slicing-by-8 vs byte path).
    @Test func incrementalMatchesOneShot() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<200 {
            let n = Int(rng.next() % 300)
            let data = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let split = n == 0 ? 0 : Int(rng.next() % UInt64(n + 1))
            let whole = CRC32C.checksum(data)
            let a = data[..<split].withUnsafeBytes { CRC32C.update(0, $0) }
            let ab = data[split...].withUnsafeBytes { CRC32C.update(a, $0) }
            #expect(ab == whole)
            // A single flipped bit always changes a CRC.
            if n > 0 {
                var flipped = data
                flipped[Int(rng.next() % UInt64(n))] ^= UInt8(1) << (rng.next() % 8)
                #expect(CRC32C.checksum(flipped) != whole)
            }
        }
    }
}
