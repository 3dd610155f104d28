import GensynPrimitives

/// An unsigned decimal with exactly 18 fractional digits on a 256-bit backing: `raw / 10¹⁸`,
/// as on-chain contracts (UD60x18) store amounts. Every operation that cannot be exact takes a
/// rounding direction; overflow and domain errors throw ``FixedPointError``.
public struct UFixed18: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The integer `value × 10¹⁸`.
    public var raw: UInt256

    /// 10¹⁸, the raw value of 1.
    public static let scale: UInt256 = 1_000_000_000_000_000_000
    /// 0.
    public static let zero = UFixed18(raw: .zero)
    /// 1.
    public static let one = UFixed18(raw: scale)

    /// The value `raw / 10¹⁸`.
    public init(raw: UInt256) { self.raw = raw }

    /// A whole number.
    public init(_ integer: UInt64) {
        self.raw = UInt256(integer) &* UFixed18.scale
    }

    /// Parses `"12"`, `"0.5"`, `"1.000000000000000001"`: decimal digits with an optional point and at
    /// most 18 fractional digits. No sign, exponent or spaces.
    /// - Throws: ``FixedPointError`` `.malformed`, `.negative`, `.tooManyDecimals` or `.overflow`.
    public init(_ text: some StringProtocol) throws(FixedPointError) {
        let parsed = try FixedDecimalText.parse(text)
        guard !parsed.negative || parsed.magnitude.isZero else {
            throw FixedPointError(.negative, "'\(text)' is negative; an unsigned amount is required")
        }
        self.raw = parsed.magnitude
    }

    public static func < (lhs: UFixed18, rhs: UFixed18) -> Bool { lhs.raw < rhs.raw }

    /// The exact decimal text, without trailing fractional zeros (`"1.5"`, `"0"`, `"3"`).
    public var description: String { FixedDecimalText.format(negative: false, magnitude: raw) }

    /// `self + other`. - Throws: `.overflow`.
    public func adding(_ other: UFixed18) throws(FixedPointError) -> UFixed18 {
        do { return UFixed18(raw: try raw.checkedAdd(other.raw)) } catch { throw FixedPointError(error, "add") }
    }

    /// `self − other`. - Throws: `.negative` when `other > self`.
    public func subtracting(_ other: UFixed18) throws(FixedPointError) -> UFixed18 {
        guard other.raw <= raw else { throw FixedPointError(.negative, "\(self) − \(other) is negative") }
        return UFixed18(raw: raw &- other.raw)
    }

    /// `self × other`, rounded as asked (512-bit intermediate).
    public func multiplied(by other: UFixed18, rounding: Rounding) throws(FixedPointError) -> UFixed18 {
        do { return UFixed18(raw: try UInt256.mulDiv(raw, other.raw, UFixed18.scale, rounding: rounding)) } catch {
            throw FixedPointError(error, "multiply")
        }
    }

    /// `self / other`, rounded as asked (512-bit intermediate).
    public func divided(by other: UFixed18, rounding: Rounding) throws(FixedPointError) -> UFixed18 {
        do { return UFixed18(raw: try UInt256.mulDiv(raw, UFixed18.scale, other.raw, rounding: rounding)) } catch {
            throw FixedPointError(error, "divide")
        }
    }

    /// Certified bounds of ln(self): `lower ≤ ln(self) ≤ upper`, gap ≤ 3·10⁻¹⁸ (3 raw units).
    /// - Throws: `.domain` for zero.
    public func ln() throws(FixedPointError) -> FixedBounds<SFixed18> {
        guard !raw.isZero else { throw FixedPointError(.domain, "ln(0) is undefined") }
        // ln(raw) = ln(raw >> s) + s ln 2, with raw >> s < 2^63 so it is a B64 value.
        let s = max(0, raw.bitLength - 63)
        let nLo = (raw >> s).uint128!
        let nHi = nLo + ((raw >> s) << s == raw ? 0 : 1)
        let lnLo = BoundedMath.ln(nLo << 64, up: false) + BoundedMath.ln2Multiple(s, up: false) - Int128(ExpLnTables.ln1e18 + 1)
        let lnHi = BoundedMath.ln(nHi << 64, up: true) + BoundedMath.ln2Multiple(s, up: true) - Int128(ExpLnTables.ln1e18)
        return FixedBounds(lower: SFixed18.fromB64(lnLo, rounding: .down), upper: SFixed18.fromB64(lnHi, rounding: .up))
    }
}
