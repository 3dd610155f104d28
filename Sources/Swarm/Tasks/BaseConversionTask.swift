/// Base conversion: a number written in one base, asked in another (digits `0-9a-z`).
enum BaseConversionTask {
    static let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")

    static func render(_ value: Int, base: Int) -> String {
        if value == 0 { return "0" }
        var v = value
        var out: [Character] = []
        while v > 0 { out.append(digits[v % base]); v /= base }
        return String(out.reversed())
    }

    /// Parses lower- or upper-case digits of `base` (no prefix, no sign); at most 64 digits.
    static func parse(_ text: String, base: Int) -> Int? {
        let t = AnswerText.trimmed(text).lowercased()
        guard !t.isEmpty, t.count <= 64 else { return nil }
        var v = 0
        for c in t {
            guard let d = digits.firstIndex(of: c), d < base else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: base)
            let (s, o2) = m.addingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            v = s
        }
        return v
    }

    static func name(_ base: Int) -> String {
        switch base {
        case 2: return "base-2 (binary)"
        case 16: return "base-16 (hexadecimal)"
        default: return "base-\(base)"
        }
    }

    /// Difficulty 1: 0...255 between bases 2, 10 and 16; 2: 0...4095, bases 2...16; 3: 0...65535,
    /// bases 2...36.
    static func generate(difficulty: Int, rng: inout SwarmRandom) -> (String, String) {
        let maxValue = [255, 4095, 65535][difficulty - 1]
        let bases = difficulty == 1 ? [2, 10, 16] : Array(2...(difficulty == 2 ? 16 : 36))
        let value = rng.int(in: 0...maxValue)
        let from = bases[rng.below(bases.count)]
        var to = bases[rng.below(bases.count - 1)]
        if to == from { to = bases[bases.count - 1] }
        let question = "Convert the \(name(from)) number \(render(value, base: from)) to \(name(to)). "
            + "Use lowercase letters for digits above 9."
        return (question, render(value, base: to))
    }

    /// The canonical digits have no leading zero, so equal values in the target base are equal
    /// strings once the candidate is lower-cased and stripped of leading zeros.
    static func accepts(_ candidate: String, answer: String) -> Bool {
        let t = AnswerText.trimmed(candidate).lowercased()
        guard !t.isEmpty, t.count <= 64, t.allSatisfy({ digits.contains($0) }) else { return false }
        let stripped = t.drop(while: { $0 == "0" })
        return (stripped.isEmpty ? "0" : String(stripped)) == answer
    }
}
