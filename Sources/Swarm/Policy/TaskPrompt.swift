/// The compact prompt a tiny policy reads: the question text reduced to its essentials, e.g.
/// `Calculate 12 - 7. Give the result as an integer.` → `B12-7`. It is computed from the
/// question text (what a receiver regenerates from the spec and checks), by the family's fixed
/// sentence pattern; `nil` when the pattern does not match or the family has no compact form
/// (ARC-1D: its examples are too long for the small context).
///
/// | family | compact form |
/// |---|---|
/// | basic / decimal arithmetic | `B` / `D` + expression without spaces |
/// | base conversion | `C` + from-base `>` to-base `:` digits |
/// | fraction simplification | `F` + `p/q` |
/// | propositional logic | `L` + values (`P1Q0`) `:` formula without spaces |
/// | sorting | `S` + `+` (ascending) or `-` (descending) + numbers joined by `,` |
public enum TaskPrompt {
    /// The compact prompt of `task`, or `nil`.
    public static func compact(_ task: SwarmTask) -> String? {
        let q = Substring(task.question)
        switch task.spec.family {
        case .basicArithmetic, .decimalArithmetic:
            guard let e = between(q, "Calculate ", ". Give") else { return nil }
            return (task.spec.family == .basicArithmetic ? "B" : "D") + e.filter { $0 != " " }
        case .baseConversion:
            guard let from = between(q, "the base-", " "), let rest = after(q, "number "),
                  let digits = between(rest, "", " to base-"), let to = between(rest, " to base-", ".")
            else { return nil }
            return "C" + from + ">" + (to.split(separator: " ").first.map(String.init) ?? to) + ":" + digits
        case .fractionSimplification:
            guard let f = between(q, "the fraction ", " to") else { return nil }
            return "F" + f
        case .propositionalLogic:
            guard let assignment = between(q, "Given ", ", evaluate"), let formula = between(q, "the formula ", " (~ not") else { return nil }
            let values = assignment.split(separator: ",").map { part -> String in
                let kv = part.split(separator: "=").map { $0.filter { $0 != " " } }
                guard kv.count == 2 else { return "?" }
                return kv[0] + (kv[1] == "true" ? "1" : "0")
            }.joined()
            return "L" + values + ":" + formula.filter { $0 != " " }
        case .sorting:
            guard let order = between(q, "Sort these numbers in ", " order: "), let list = between(q, " order: ", ". Answer") else { return nil }
            return "S" + (order == "ascending" ? "+" : "-") + list.filter { $0 != " " }
        case .arc1D:
            return nil
        }
    }

    /// The answer text the supervised warm-up teaches: the canonical answer, lists without spaces.
    public static func trainingAnswer(_ task: SwarmTask) -> String {
        switch task.spec.family {
        case .sorting, .arc1D: return task.answer.filter { $0 != " " }
        default: return task.answer
        }
    }

    static func after(_ s: Substring, _ marker: String) -> Substring? {
        s.firstRange(of: marker).map { s[$0.upperBound...] }
    }

    static func between(_ s: Substring, _ start: String, _ end: String) -> String? {
        guard let rest = start.isEmpty ? s : after(s, start), let e = rest.firstRange(of: end) else { return nil }
        return String(rest[..<e.lowerBound])
    }
}
