import Foundation
import GensynPrimitives
import Testing

@Suite("Int256")
struct Int256Tests {
    static let minText = "-57896044618658097711785492504343953926634992332820282019728792003956564819968"
    static let maxText = "57896044618658097711785492504343953926634992332820282019728792003956564819967"

    @Test("limits, literals and text")
    func limits() throws {
        #expect(Int256.min.description == Self.minText)
        #expect(Int256.max.description == Self.maxText)
        #expect(try Int256(decimal: Self.minText) == .min)
        #expect(try Int256(decimal: Self.maxText) == .max)
        let literal: Int256 = -57896044618658097711785492504343953926634992332820282019728792003956564819968
        #expect(literal == .min)
        #expect(Int256(-1).description == "-1" && Int256(0).description == "0")
        #expect(try Int256(decimal: "-0") == .zero)
        #expect(Int256.min < Int256(-1) && Int256(-1) < .zero && Int256.zero < .max)
        #expect(Int256.min.magnitude == UInt256.one << 255)
        #expect(Int256(-5).signum() == Int256(-1) && Int256.max.signum() == .one)
    }

    @Test("parsing rejects malformed text with typed errors", arguments: [
        ("", ArithmeticError.Code.empty), ("-", .empty), ("--1", .invalidDigit), ("+1", .invalidDigit),
        ("1-", .invalidDigit), ("0x10", .invalidDigit),
        ("57896044618658097711785492504343953926634992332820282019728792003956564819968", .overflow),
        ("-57896044618658097711785492504343953926634992332820282019728792003956564819969", .overflow),
        ("-115792089237316195423570985008687907853269984665640564039457584007913129639936", .overflow),
    ])
    func badDecimal(text: String, code: ArithmeticError.Code) {
        #expect { try Int256(decimal: text) } throws: { ($0 as? ArithmeticError)?.code == code }
    }

    @Test("overflow is reported, never wrapped silently")
    func overflow() throws {
        #expect(Int256.max.addingReportingOverflow(.one) == (.min, true))
        #expect(Int256.min.subtractingReportingOverflow(.one) == (.max, true))
        #expect(Int256.min.negatedReportingOverflow() == (.min, true))
        #expect(Int256.min.multipliedReportingOverflow(by: Int256(-1)) == (.min, true))
        #expect(Int256(-1).multipliedReportingOverflow(by: .min).overflow)
        #expect((Int256.one << 254).multipliedReportingOverflow(by: Int256(-2)) == (.min, false))
        #expect { try Int256.min.checkedNegate() } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        #expect { try Int256.min.checkedDivide(Int256(-1)) } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        #expect { try Int256.one.checkedDivide(.zero) } throws: { ($0 as? ArithmeticError)?.code == .divisionByZero }
        #expect { try Int256.max.checkedAdd(.one) } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        #expect(try Int256(-7).checkedMultiply(Int256(6)) == Int256(-42))
    }

    @Test("division truncates; mulDiv floors and ceils")
    func division() throws {
        let (q, r) = try Int256(-7).quotientAndRemainder(dividingBy: Int256(2))
        #expect(q == Int256(-3) && r == Int256(-1))
        let (q2, r2) = try Int256(7).quotientAndRemainder(dividingBy: Int256(-2))
        #expect(q2 == Int256(-3) && r2 == Int256(1))
        #expect(try Int256.mulDiv(Int256(-7), 1, 2, rounding: .down) == Int256(-4))
        #expect(try Int256.mulDiv(Int256(-7), 1, 2, rounding: .up) == Int256(-3))
        #expect(try Int256.mulDiv(Int256(7), Int256(-1), Int256(-2), rounding: .down) == Int256(3))
        #expect(try Int256.mulDiv(.min, 1, 1) == .min)
        #expect(try Int256.mulDiv(.min, Int256(-1), Int256(-1)) == .min)
        #expect { try Int256.mulDiv(.min, Int256(-1), 1) } throws: { ($0 as? ArithmeticError)?.code == .overflow }
        #expect { try Int256.mulDiv(1, 1, 0) } throws: { ($0 as? ArithmeticError)?.code == .divisionByZero }
    }

    @Test("arithmetic shift right fills with the sign")
    func shifts() {
        #expect(Int256(-1) >> 300 == Int256(-1) && Int256(-1) >> 5 == Int256(-1))
        #expect(Int256(-8) >> 1 == Int256(-4) && Int256(-7) >> 1 == Int256(-4))
        #expect(Int256.min >> 255 == Int256(-1) && Int256.max >> 254 == .one)
        #expect(Int256(-1) << 255 == .min && Int256(3) << -1 == .one)
    }

    @Test("bit patterns, bytes and conversions")
    func conversions() throws {
        #expect(UInt256(bitPattern: Int256(-1)) == .max)
        #expect(Int256(bitPattern: .max) == Int256(-1))
        #expect(Int256(-1).bigEndianBytes == [UInt8](repeating: 0xff, count: 32))
        #expect(try Int256(bigEndianBytes: [0xff]) == Int256(-1))
        #expect(try Int256(bigEndianBytes: [0x80, 0x00]) == Int256(-32768))
        #expect(try Int256(bigEndianBytes: [0x7f]) == Int256(127))
        #expect(try Int256(bigEndianBytes: Int256.min.bigEndianBytes) == .min)
        #expect { try Int256(bigEndianBytes: [UInt8](repeating: 0, count: 33)) } throws: { ($0 as? ArithmeticError)?.code == .outOfRange }
        #expect(try Int256(exactly: UInt256(5)) == Int256(5))
        #expect { try Int256(exactly: UInt256.one << 255) } throws: { ($0 as? ArithmeticError)?.code == .outOfRange }
        #expect { try UInt256(exactly: Int256(-1)) } throws: { ($0 as? ArithmeticError)?.code == .outOfRange }
        #expect(try Int256(Int64.min).toInt64() == .min)
        #expect { try (Int256(Int64.min) &- .one).toInt64() } throws: { ($0 as? ArithmeticError)?.code == .outOfRange }
        #expect(try Int256(-3).toInt() == -3)
        #expect(Int256.min.doubleValue == -0x1p255)
        #expect(Int256(-3).doubleValue == -3)
    }

    @Test("Codable as a decimal string")
    func codable() throws {
        let data = try JSONEncoder().encode([Int256.min])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(Self.minText)\"]")
        #expect(try JSONDecoder().decode([Int256].self, from: data) == [.min])
    }
}

@Suite("256-bit integers: Docs/Foundation.md snippet")
struct Integer256DocSnippetTests {
    @Test("the documented example computes what the page says")
    func snippet() throws {
        let wad: UInt256 = 1_000_000_000_000_000_000
        let price = try UInt256(decimal: "2500000000000000000")
        let cost = try UInt256.mulDiv(price, price, wad, rounding: .up)
        #expect(cost.description == "6250000000000000000")
        #expect(Hex.encode(cost.minimalBigEndianBytes, prefix: true) == cost.hexString)
        let loss = try Int256(decimal: "-7")
        #expect(try Int256.mulDiv(loss, 1, 2, rounding: .down).description == "-4")
        do {
            _ = try UInt256.max.checkedAdd(1)
            Issue.record("checkedAdd(max, 1) did not throw")
        } catch {
            #expect(error.code == .overflow && error.message == "UInt256 addition overflows")
        }
    }
}
