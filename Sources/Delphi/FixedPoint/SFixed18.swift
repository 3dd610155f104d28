import GensynPrimitives

/// A signed decimal with exactly 18 fractional digits on a 256-bit backing: `raw / 10¹⁸`
/// (SD59x18). Every inexact operation takes a rounding direction (`.down` = toward −∞).
public struct SFixed18: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The integer `value × 10¹⁸`.
    public var raw: Int256

    /// 0.
    public static let zero = SFixed18(raw: .zero)
    /// 1.
    public static let one = SFixed18(raw: Int256(bitPattern: UFixed18.scale))
    static let scale = Int256(bitPattern: UFixed18.scale)

    /// The value `raw / 10¹⁸`.
    public init(raw: Int256) { self.raw = raw }

    /// Parses `"-1.25"`, `"3"`, `"0.000000000000000001"` (optional leading `-`, at most 18 decimals).
    /// - Throws: ``FixedPointError`` `.malformed`, `.tooManyDecimals` or `.overflow`.
    public init(_ text: some StringProtocol) throws(FixedPointError) {
        let parsed = try FixedDecimalText.parse(text)
        guard let value = try? Int256(exactly: parsed.magnitude) else {
            throw FixedPointError(.overflow, "'\(text)' does not fit a signed 256-bit fixed-point value")
        }
        self.raw = parsed.negative ? Int256.zero &- value : value
    }

    public static func < (lhs: SFixed18, rhs: SFixed18) -> Bool { lhs.raw < rhs.raw }

    /// The exact decimal text, without trailing fractional zeros.
    public var description: String { FixedDecimalText.format(negative: raw.isNegative, magnitude: raw.magnitude) }

    /// `self + other`. - Throws: `.overflow`.
    public func adding(_ other: SFixed18) throws(FixedPointError) -> SFixed18 {
        do { return SFixed18(raw: try raw.checkedAdd(other.raw)) } catch { throw FixedPointError(error, "add") }
    }

    /// `self − other`. - Throws: `.overflow`.
    public func subtracting(_ other: SFixed18) throws(FixedPointError) -> SFixed18 {
        do { return SFixed18(raw: try raw.checkedSubtract(other.raw)) } catch { throw FixedPointError(error, "subtract") }
    }

    /// `self × other`, rounded as asked.
    public func multiplied(by other: SFixed18, rounding: Rounding) throws(FixedPointError) -> SFixed18 {
        do { return SFixed18(raw: try Int256.mulDiv(raw, other.raw, SFixed18.scale, rounding: rounding)) } catch {
            throw FixedPointError(error, "multiply")
        }
    }

    /// `self / other`, rounded as asked.
    public func divided(by other: SFixed18, rounding: Rounding) throws(FixedPointError) -> SFixed18 {
        do { return SFixed18(raw: try Int256.mulDiv(raw, SFixed18.scale, other.raw, rounding: rounding)) } catch {
            throw FixedPointError(error, "divide")
        }
    }

    /// Certified bounds of e^self: `lower ≤ e^self ≤ upper`, relative gap ≤ 2⁻⁵⁵ plus 2 raw units.
    /// - Throws: `.overflow` when e^self does not fit ``UFixed18`` (self > 135.3).
    public func exp() throws(FixedPointError) -> FixedBounds<UFixed18> {
        // t = self as B64, bracketed.
        let two64 = Int256(bitPattern: UInt256(UInt128(1) << 64))
        guard let tLo = (try? Int256.mulDiv(raw, two64, SFixed18.scale, rounding: .down)),
            let tHi = (try? Int256.mulDiv(raw, two64, SFixed18.scale, rounding: .up))
        else { throw FixedPointError(.overflow, "exp(\(self)) overflows") }
        let limit = Int256(136) << 64
        if tHi >= limit { throw FixedPointError(.overflow, "exp(\(self)) exceeds the largest UFixed18") }
        let floorValue = Int256(-200) << 64  // e^-200 < 10^-18: [0, 1 raw]
        if tHi < floorValue { return FixedBounds(lower: .zero, upper: UFixed18(raw: .one)) }
        // Halve until the argument is below 40, then square back in 256-bit B64.
        var squarings = 0
        var lo = max(tLo, floorValue), hi = tHi
        while hi >= Int256(40) << 64 {
            lo = lo >> 1  // floor
            hi = Int256.zero &- ((Int256.zero &- hi) >> 1)  // ceil
            squarings += 1
        }
        let one64 = UInt256(UInt128(1) << 64)
        do {
            // To 18 decimals first (the halved argument is ≥ 20 when squaring, so e^x has ≥ 27
            // significant digits), then square in decimal: B64 would overflow 256 bits near e^133.
            var eLo = UFixed18(raw: try UInt256.mulDiv(UInt256(BoundedMath.exp(lo.int128!, up: false)), UFixed18.scale, one64, rounding: .down))
            var eHi = UFixed18(raw: try UInt256.mulDiv(UInt256(BoundedMath.exp(hi.int128!, up: true)), UFixed18.scale, one64, rounding: .up))
            for _ in 0..<squarings {
                eLo = try eLo.multiplied(by: eLo, rounding: .down)
                eHi = try eHi.multiplied(by: eHi, rounding: .up)
            }
            return FixedBounds(lower: eLo, upper: eHi)
        } catch {
            throw FixedPointError(.overflow, "exp(\(self)) exceeds the largest UFixed18")
        }
    }

    /// A B64 value (x / 2^64) as an 18-decimal value rounded as asked.
    static func fromB64(_ x: Int128, rounding: Rounding) -> SFixed18 {
        let two64 = Int256(bitPattern: UInt256(UInt128(1) << 64))
        return SFixed18(raw: try! Int256.mulDiv(Int256(x), SFixed18.scale, two64, rounding: rounding))
    }
}

/// Decimal text ↔ raw 18-decimal integers.
enum FixedDecimalText {
    static func parse(_ text: some StringProtocol) throws(FixedPointError) -> (negative: Bool, magnitude: UInt256) {
        var utf8 = Substring(text).utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        var intPart = Substring(), fracPart = Substring()
        if let dot = utf8.firstIndex(of: UInt8(ascii: ".")) {
            intPart = Substring(utf8[..<dot])
            fracPart = Substring(utf8[utf8.index(after: dot)...])
        } else {
            intPart = Substring(utf8)
        }
        let digits: (Substring) -> Bool = { $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
        guard !(intPart.isEmpty && fracPart.isEmpty), !intPart.isEmpty || !fracPart.isEmpty,
            digits(intPart), digits(fracPart), !(intPart.isEmpty && utf8.count == 1)
        else { throw FixedPointError(.malformed, "'\(text)' is not a decimal number (expected digits like 12.5)") }
        guard !intPart.isEmpty, utf8.last != UInt8(ascii: ".") else {
            throw FixedPointError(.malformed, "'\(text)' is not a decimal number (expected digits like 12.5)")
        }
        guard fracPart.count <= 18 else {
            throw FixedPointError(.tooManyDecimals, "'\(text)' has \(fracPart.count) decimals; at most 18 are allowed")
        }
        let padded = String(intPart) + String(fracPart) + String(repeating: "0", count: 18 - fracPart.count)
        do {
            return (negative, try UInt256(decimal: padded))
        } catch {
            throw FixedPointError(.overflow, "'\(text)' does not fit a 256-bit fixed-point value")
        }
    }

    static func format(negative: Bool, magnitude: UInt256) -> String {
        var digits = magnitude.description
        if digits.count <= 18 { digits = String(repeating: "0", count: 19 - digits.count) + digits }
        let intPart = digits.dropLast(18)
        var frac = Substring(digits.suffix(18))
        while frac.last == "0" { frac = frac.dropLast() }
        let body = frac.isEmpty ? String(intPart) : intPart + "." + frac
        return (negative && !magnitude.isZero ? "-" : "") + body
    }
}
