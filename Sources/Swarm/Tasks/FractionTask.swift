/// Fraction simplification: `a/b` to lowest terms `p/q` (q ≥ 2, so the answer is never an integer).
enum FractionTask {
    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// Difficulty 1: p, q ≤ 10, factor ≤ 10; 2: ≤ 50, ≤ 20; 3: ≤ 100, ≤ 50.
    static func generate(difficulty: Int, rng: inout SwarmRandom) -> (String, String) {
        let maxPart = [10, 50, 100][difficulty - 1]
        let maxFactor = [10, 20, 50][difficulty - 1]
        var p = 1, q = 2
        repeat {
            p = rng.int(in: 1...maxPart)
            q = rng.int(in: 2...maxPart)
        } while gcd(p, q) != 1
        let k = rng.int(in: 2...maxFactor)
        return ("Simplify the fraction \(p * k)/\(q * k) to its lowest terms. Write it as numerator/denominator.", "\(p)/\(q)")
    }

    /// Exactly the lowest-terms fraction (`2/3`, spaces around `/` allowed; `4/6` is wrong).
    static func accepts(_ candidate: String, answer: String) -> Bool {
        func parts(_ s: String) -> (Int, Int)? {
            let p = AnswerText.trimmed(s).split(separator: "/", omittingEmptySubsequences: false)
            guard p.count == 2, let a = AnswerText.integer(Substring(AnswerText.trimmed(String(p[0])))),
                let b = AnswerText.integer(Substring(AnswerText.trimmed(String(p[1])))), b > 0
            else { return nil }
            return (a, b)
        }
        guard let c = parts(candidate), let e = parts(answer) else { return false }
        return c == e
    }
}
