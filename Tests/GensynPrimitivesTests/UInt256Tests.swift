import Foundation
import GensynPrimitives
import GensynTestSupport
import Testing

/// SplitMix64: a tiny seeded generator so every run checks the same cases.
struct IntegerTestRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A value biased toward carry and normalization edge cases: limbs drawn from 0, 1, ±1 around
    /// 2⁶³ and 2⁶⁴, or random, and random bit lengths.
    mutating func uint256() -> UInt256 {
        func limb(_ g: inout IntegerTestRNG) -> UInt64 {
            switch g.next() % 8 {
            case 0: return 0
            case 1: return 1
            case 2: return .max
            case 3: return .max - 1
            case 4: return 1 << 63
            case 5: return (1 << 63) - 1
            default: return g.next()
            }
        }
        let full: UInt256
        switch next() % 3 {
        case 0: full = UInt256(littleEndianLimbs: (limb(&self), limb(&self), limb(&self), limb(&self)))
        default: full = UInt256(littleEndianLimbs: (next(), next(), next(), next()))
        }
        // Random bit length, so small operands, one-limb divisors and non-overflowing products are common.
        return full >> Int(next() % 256)
    }
}

/// 64 lower-case hex digits of a bit pattern, built from the limbs (independent of `hexString`).
func hex64(_ x: UInt256) -> String {
    let l = x.littleEndianLimbs
    return [l.3, l.2, l.1, l.0].map { limb in
        let s = String(limb, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }.joined()
}

func hex64(_ x: Int256) -> String { hex64(UInt256(bitPattern: x)) }

@Suite("UInt256")
struct UInt256Tests {
    static let max = UInt256.max
    static let twoTo64 = UInt256(littleEndianLimbs: (0, 1, 0, 0))

    @Test("limits and literals")
    func limits() throws {
        #expect(UInt256.max.description == "115792089237316195423570985008687907853269984665640564039457584007913129639935")
        #expect(UInt256.max.hexString == "0x" + String(repeating: "f", count: 64))
        let literal: UInt256 = 115792089237316195423570985008687907853269984665640564039457584007913129639935
        #expect(literal == .max)
        let big: UInt256 = 0x1_0000_0000_0000_0000
        #expect(big == Self.twoTo64)
        #expect(UInt256.zero.hexString == "0x0")
        #expect(UInt256.zero.description == "0")
        #expect(UInt256.zero.leadingZeroBitCount == 256 && UInt256.max.leadingZeroBitCount == 0)
        #expect(UInt256.one.bitLength == 1 && Self.twoTo64.bitLength == 65)
        #expect(Self.twoTo64.trailingZeroBitCount == 64 && UInt256.max.nonzeroBitCount == 256)
    }

    @Test("carries and borrows cross every limb")
    func carries() throws {
        let (sum, o1) = UInt256(littleEndianLimbs: (.max, .max, .max, 0)).addingReportingOverflow(.one)
        #expect(sum == UInt256(littleEndianLimbs: (0, 0, 0, 1)) && !o1)
        let (wrap, o2) = UInt256.max.addingReportingOverflow(.one)
        #expect(wrap == .zero && o2)
        let (diff, o3) = UInt256.zero.subtractingReportingOverflow(.one)
        #expect(diff == .max && o3)
        #expect(try UInt256(littleEndianLimbs: (0, 0, 0, 1)).checkedSubtract(.one) == UInt256(littleEndianLimbs: (.max, .max, .max, 0)))
        // (2^256 - 1)^2 = 2^512 - 2^257 + 1
        let (high, low) = UInt256.max.multipliedFullWidth(by: .max)
        #expect(low == .one && high == UInt256.max &- .one)
        #expect(UInt256.max &* UInt256.max == .one)
    }

    @Test("typed errors for overflow and division by zero")
    func errors() throws {
        #expect { try UInt256.max.checkedAdd(.one) } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        #expect { try UInt256.zero.checkedSubtract(.one) } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        #expect { try UInt256.max.checkedMultiply(2) } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        #expect { try UInt256.one.quotientAndRemainder(dividingBy: .zero) } throws: { ($0 as? ArithmeticError)?.code == .divisionByZero }
        #expect { try UInt256.mulDiv(1, 1, 0) } throws: { ($0 as? ArithmeticError)?.code == .divisionByZero }
        #expect { try UInt256.mulDiv(.max, 2, 1) } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        // Exact quotients never round up, even at the top of the range.
        #expect(try UInt256.mulDiv(.max, .max, .max, rounding: .up) == .max)
        let d = UInt256.max &- .one
        #expect(try UInt256.mulDiv(.max, d, d, rounding: .up) == .max)
        #expect(try UInt256.mulDiv(d, .max, .max, rounding: .up) == d)
    }

    @Test("mulDiv known answers in 18-decimal fixed point")
    func mulDivFixedPoint() throws {
        let wad: UInt256 = 1_000_000_000_000_000_000
        let x = try UInt256(decimal: "2500000000000000000")
        #expect(try UInt256.mulDiv(x, x, wad) == UInt256(6_250_000_000_000_000_000))
        #expect(try UInt256.mulDiv(1, 2, 3, rounding: .down) == 0)
        #expect(try UInt256.mulDiv(1, 2, 3, rounding: .up) == 1)
        #expect(try UInt256.mulDiv(wad, wad, wad &* 3) == UInt256(333_333_333_333_333_333))
        #expect(try UInt256.mulDiv(wad, wad, wad &* 3, rounding: .up) == UInt256(333_333_333_333_333_334))
        // 512-bit intermediate: (2^255 · 6) / 4 = 3·2^254.
        let twoTo255 = UInt256.one << 255
        #expect(try UInt256.mulDiv(twoTo255, 6, 4) == UInt256(3) << 254)
        // Floor is max, remainder nonzero: rounding up must overflow, not wrap.
        #expect { try UInt256.mulDiv(.max, 3, 2, rounding: .up) } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        let (q, r) = try UInt256.max.quotientAndRemainder(dividingBy: 10)
        #expect(q.description == "11579208923731619542357098500868790785326998466564056403945758400791312963993" && r == 5)
    }

    @Test("parsing rejects malformed text with typed errors", arguments: [
        ("", ArithmeticError.Code.empty), ("12a", .invalidDigit), ("-1", .invalidDigit), ("+1", .invalidDigit),
        (" 1", .invalidDigit), ("1_000", .invalidDigit), ("١", .invalidDigit),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639936", .overflow),
        ("1000000000000000000000000000000000000000000000000000000000000000000000000000000", .overflow),
    ])
    func badDecimal(text: String, code: ArithmeticError.Code) {
        #expect { try UInt256(decimal: text) } throws: { ($0 as? ArithmeticError)?.code == code }
        #expect(UInt256(text) == nil)
    }

    @Test("hex parsing rejects malformed text with typed errors", arguments: [
        ("", ArithmeticError.Code.empty), ("0x", .empty), ("0xg", .invalidDigit), ("x12", .invalidDigit),
        ("0x 1", .invalidDigit), ("0x1" + String(repeating: "0", count: 64), .overflow),
    ])
    func badHex(text: String, code: ArithmeticError.Code) {
        #expect { try UInt256(hex: text) } throws: { ($0 as? ArithmeticError)?.code == code }
    }

    @Test("hex parsing accepts prefixes, case and leading zeros")
    func goodHex() throws {
        #expect(try UInt256(hex: "0XaB") == 0xab)
        #expect(try UInt256(hex: "abc") == 0xabc)
        #expect(try UInt256(hex: "0x" + String(repeating: "0", count: 70) + "1") == 1)
        #expect(try UInt256(hex: String(repeating: "F", count: 64)) == .max)
        #expect(try UInt256(decimal: "000000000000000000000000000000000000000000000000000000000000000000000000000000000042") == 42)
    }

    @Test("big-endian bytes: 32-byte word, minimal form, short and long input")
    func bytes() throws {
        let x = try UInt256(hex: "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")
        #expect(x.bigEndianBytes == Array(1...32))
        #expect(try UInt256(bigEndianBytes: Array(1...32) as [UInt8]) == x)
        #expect(try UInt256(bigEndianBytes: [0x01, 0x00]) == 256)
        #expect(try UInt256(bigEndianBytes: [UInt8]()) == 0)
        #expect(UInt256(256).minimalBigEndianBytes == [0x01, 0x00])
        #expect(UInt256.zero.minimalBigEndianBytes == [])
        #expect(UInt256.max.minimalBigEndianBytes == [UInt8](repeating: 0xff, count: 32))
        #expect { try UInt256(bigEndianBytes: [UInt8](repeating: 0, count: 33)) } throws: { ($0 as? ArithmeticError)?.code == .outOfRange }
    }

    @Test("conversions and Double")
    func conversions() throws {
        #expect(try UInt256(exactly: 5) == 5)
        #expect { try UInt256(exactly: -1) } throws: { ($0 as? ArithmeticError)?.code == .outOfRange }
        #expect(try UInt256(UInt64.max).toUInt64() == .max)
        #expect { try Self.twoTo64.toUInt64() } throws: { ($0 as? ArithmeticError)?.code == .outOfRange }
        #expect { try UInt256(UInt64(Int.max) + 1).toInt() } throws: { ($0 as? ArithmeticError)?.code == .outOfRange }
        #expect(try UInt256(42).toInt() == 42)
        #expect(UInt256.max.doubleValue == 0x1p256)
        #expect(Self.twoTo64.doubleValue == 0x1p64)
        // 2^64 + 2^11 is a tie between 2^64 and 2^64 + 2^12: ties to even → 2^64; one more bit breaks the tie.
        #expect((Self.twoTo64 | 2048).doubleValue == 0x1p64)
        #expect((Self.twoTo64 | 2049).doubleValue == 0x1p64 + 4096)
        #expect(((UInt256.one << 200) | 1).doubleValue == 0x1p200)
    }

    @Test("Codable as a decimal string")
    func codable() throws {
        let data = try JSONEncoder().encode([UInt256.max])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(UInt256.max)\"]")
        #expect(try JSONDecoder().decode([UInt256].self, from: data) == [.max])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([UInt256].self, from: Data("[\"0x1\"]".utf8)) }
    }

    @Test("shifts follow smart-shift semantics")
    func shifts() {
        #expect((UInt256.one << 255) >> 255 == .one)
        #expect(UInt256.max << 256 == .zero && UInt256.max >> 300 == .zero)
        #expect(UInt256.one << -1 == .zero && (UInt256.one << 64) >> -1 == UInt256.one << 65)
        #expect(UInt256.max << Int.min == .zero && UInt256.max >> Int.min == .zero)
        #expect((UInt256.max << 1).w0IsEven)
    }
}

extension UInt256 {
    fileprivate var w0IsEven: Bool { littleEndianLimbs.0 & 1 == 0 }
}
