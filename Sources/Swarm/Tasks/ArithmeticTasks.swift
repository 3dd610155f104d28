/// Basic and decimal arithmetic: a random expression tree over `+ - *`, evaluated exactly.
enum ArithmeticTasks {
    indirect enum Expr {
        case leaf(ExactDecimal)
        case node(Character, Expr, Expr)

        var precedence: Int {
            if case .node(let op, _, _) = self { return op == "*" ? 2 : 1 }
            return 3
        }

        func render() -> String {
            switch self {
            case .leaf(let d): return d.mantissa < 0 ? "(" + d.text + ")" : d.text
            case .node(let op, let l, let r):
                let p = precedence
                let ls = l.precedence < p ? "(" + l.render() + ")" : l.render()
                // A right operand of equal precedence needs parentheses under `-` (a - (b - c)).
                let rNeeds = r.precedence < p || (r.precedence == p && op == "-")
                let rs = rNeeds ? "(" + r.render() + ")" : r.render()
                return ls + " " + String(op) + " " + rs
            }
        }

        func evaluate() -> ExactDecimal? {
            switch self {
            case .leaf(let d): return d
            case .node(let op, let l, let r):
                guard let a = l.evaluate(), let b = r.evaluate() else { return nil }
                switch op {
                case "+": return a + b
                case "-": return a - b
                default: return a * b
                }
            }
        }
    }

    /// A random tree with `leaves` leaves; `allowMultiply` adds `*` to the operators.
    static func tree(leaves: Int, allowMultiply: Bool, rng: inout SwarmRandom, leaf: (inout SwarmRandom) -> ExactDecimal) -> Expr {
        if leaves == 1 { return .leaf(leaf(&rng)) }
        let left = 1 + rng.below(leaves - 1)
        let ops: [Character] = allowMultiply ? ["+", "-", "*"] : ["+", "-"]
        let op = ops[rng.below(ops.count)]
        let l = tree(leaves: left, allowMultiply: allowMultiply, rng: &rng, leaf: leaf)
        let r = tree(leaves: leaves - left, allowMultiply: allowMultiply, rng: &rng, leaf: leaf)
        return .node(op, l, r)
    }

    /// Difficulty 1: two operands in 1...20; 2: three in 1...100; 3: four in −999...999 with `*`.
    static func basic(difficulty: Int, rng: inout SwarmRandom) -> (String, String) {
        let leaves = difficulty + 1
        let range: ClosedRange<Int> = [1...20, 1...100, -999...999][difficulty - 1]
        let expr = tree(leaves: leaves, allowMultiply: difficulty >= 2, rng: &rng) { r in
            ExactDecimal(mantissa: r.int(in: range), scale: 0)
        }
        // Operands ≤ 999 and at most four of them: the value fits easily, evaluate cannot fail.
        let value = expr.evaluate()!
        return ("Calculate \(expr.render()). Give the result as an integer.", value.text)
    }

    /// Difficulty 1: two operands with one decimal; 2: three with two decimals; 3: three with two
    /// decimals and `*`, some negative.
    static func decimal(difficulty: Int, rng: inout SwarmRandom) -> (String, String) {
        let leaves = difficulty == 1 ? 2 : 3
        let scale = difficulty == 1 ? 1 : 2
        let maxMantissa = [999, 9999, 9999][difficulty - 1]
        let expr = tree(leaves: leaves, allowMultiply: difficulty == 3, rng: &rng) { r in
            let m = r.int(in: 1...maxMantissa)
            return ExactDecimal(mantissa: difficulty == 3 && r.below(4) == 0 ? -m : m, scale: r.int(in: 1...scale))
        }
        let value = expr.evaluate()!
        return ("Calculate \(expr.render()). Give the exact decimal result.", value.text)
    }
}
