/// An exact decimal number `mantissa × 10^-scale`, for arithmetic tasks and their verifier.
/// Values in tasks stay far below 10¹⁸, and every operation is checked: overflow gives `nil`.
struct ExactDecimal: Hashable, Sendable {
    var mantissa: Int
    var scale: Int  // digits after the point, 0...9

    init(mantissa: Int, scale: Int) { self.mantissa = mantissa; self.scale = scale }

    /// Parses `-?digits(.digits)?` (at most 18 digits in all, at most 9 after the point).
    init?(parsing text: String) {
        let t = AnswerText.trimmed(text)
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty else { return nil }
        var negative = false
        var intPart = first
        if intPart.first == "-" { negative = true; intPart = intPart.dropFirst() }
        guard !intPart.isEmpty, intPart.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var frac = Substring()
        if parts.count == 2 {
            frac = parts[1]
            guard !frac.isEmpty, frac.count <= 9, frac.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        }
        guard intPart.count + frac.count <= 18, let m = AnswerText.integer(intPart + frac) else { return nil }
        self.init(mantissa: negative ? -m : m, scale: frac.count)
    }

    static func pow10(_ n: Int) -> Int { var p = 1; for _ in 0..<n { p *= 10 }; return p }

    /// The same value at a larger scale, or nil on overflow.
    func rescaled(to s: Int) -> Int? {
        let (v, o) = mantissa.multipliedReportingOverflow(by: ExactDecimal.pow10(s - scale))
        return o ? nil : v
    }

    static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal? {
        let s = max(a.scale, b.scale)
        guard let x = a.rescaled(to: s), let y = b.rescaled(to: s) else { return nil }
        let (v, o) = x.addingReportingOverflow(y)
        return o ? nil : ExactDecimal(mantissa: v, scale: s)
    }

    static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal? {
        a + ExactDecimal(mantissa: -b.mantissa, scale: b.scale)
    }

    static func * (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal? {
        let (v, o) = a.mantissa.multipliedReportingOverflow(by: b.mantissa)
        return o || a.scale + b.scale > 9 ? nil : ExactDecimal(mantissa: v, scale: a.scale + b.scale)
    }

    /// Equal by value (`1.50 == 1.5`).
    static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let s = max(a.scale, b.scale)
        guard let x = a.rescaled(to: s), let y = b.rescaled(to: s) else { return false }
        return x == y
    }

    func hash(into hasher: inout Hasher) { hasher.combine(normalized.mantissa); hasher.combine(normalized.scale) }

    /// Trailing fractional zeros removed.
    var normalized: ExactDecimal {
        var d = self
        while d.scale > 0 && d.mantissa % 10 == 0 { d.mantissa /= 10; d.scale -= 1 }
        return d
    }

    /// Canonical text: no trailing fractional zeros, no `-0`.
    var text: String {
        let d = normalized
        let negative = d.mantissa < 0
        let magnitude = String(d.mantissa.magnitude)
        var body: String
        if d.scale == 0 {
            body = magnitude
        } else {
            let padded = String(repeating: "0", count: max(0, d.scale + 1 - magnitude.count)) + magnitude
            body = padded.dropLast(d.scale) + "." + padded.suffix(d.scale)
        }
        return negative ? "-" + body : body
    }
}
