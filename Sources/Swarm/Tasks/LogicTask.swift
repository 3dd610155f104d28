/// Propositional logic: evaluate a formula over `~ & | -> <->` under a given assignment.
enum LogicTask {
    indirect enum Formula {
        case variable(Int)
        case not(Formula)
        case binary(String, Formula, Formula)

        func render(_ names: [String]) -> String {
            switch self {
            case .variable(let i): return names[i]
            case .not(let f):
                if case .variable = f { return "~" + f.render(names) }
                return "~(" + f.render(names) + ")"
            case .binary(let op, let l, let r):
                func wrap(_ f: Formula) -> String {
                    if case .binary = f { return "(" + f.render(names) + ")" }
                    return f.render(names)
                }
                return wrap(l) + " " + op + " " + wrap(r)
            }
        }

        func evaluate(_ values: [Bool]) -> Bool {
            switch self {
            case .variable(let i): return values[i]
            case .not(let f): return !f.evaluate(values)
            case .binary(let op, let l, let r):
                let a = l.evaluate(values), b = r.evaluate(values)
                switch op {
                case "&": return a && b
                case "|": return a || b
                case "->": return !a || b
                default: return a == b
                }
            }
        }
    }

    static func formula(depth: Int, variables: Int, rng: inout SwarmRandom) -> Formula {
        if depth == 0 || rng.below(4) == 0 { return .variable(rng.below(variables)) }
        if rng.below(5) == 0 { return .not(formula(depth: depth - 1, variables: variables, rng: &rng)) }
        let ops = ["&", "|", "->", "<->"]
        let op = ops[rng.below(ops.count)]
        return .binary(op, formula(depth: depth - 1, variables: variables, rng: &rng),
                       formula(depth: depth - 1, variables: variables, rng: &rng))
    }

    /// Difficulty d: d + 1 variables, depth d + 1.
    static func generate(difficulty: Int, rng: inout SwarmRandom) -> (String, String) {
        let names = ["P", "Q", "R", "S"]
        let n = difficulty + 1
        let values = (0..<n).map { _ in rng.bool() }
        var f = formula(depth: difficulty + 1, variables: n, rng: &rng)
        // A bare variable is too easy: wrap it into a binary formula.
        if case .variable = f { f = .binary("->", f, .variable(rng.below(n))) }
        let assignment = (0..<n).map { "\(names[$0]) = \(values[$0])" }.joined(separator: ", ")
        let question = "Given \(assignment), evaluate the formula \(f.render(names)) "
            + "(~ not, & and, | or, -> implies, <-> if and only if). Answer true or false."
        return (question, f.evaluate(values) ? "true" : "false")
    }
}
