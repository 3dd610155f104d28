/// A 1-D pattern task in the style of ARC-1D: rows of colours 0-9 (0 = background) with one
/// hidden transformation shown by three examples; the answer is the transformed test row.
enum Arc1DTask {
    enum Rule: CaseIterable {
        case shiftRight1, reverse, recolor, shiftRight2, moveToLeftEdge, extendToRightEdge, shiftLeft1

        /// Rules available at each difficulty (cumulative).
        static func available(difficulty: Int) -> [Rule] {
            Array(allCases.prefix([3, 5, 7][difficulty - 1]))
        }
    }

    /// A row of `length` cells with one block of one colour.
    static func row(length: Int, colour: Int, rng: inout SwarmRandom, room: Int) -> [Int] {
        let blockLength = rng.int(in: 1...max(1, length / 3))
        let start = rng.int(in: room...(length - blockLength - room))
        var cells = [Int](repeating: 0, count: length)
        for i in start..<(start + blockLength) { cells[i] = colour }
        return cells
    }

    static func apply(_ rule: Rule, _ input: [Int], recolor: (Int, Int)) -> [Int] {
        let n = input.count
        switch rule {
        case .shiftRight1, .shiftRight2, .shiftLeft1:
            let k = rule == .shiftRight1 ? 1 : rule == .shiftRight2 ? 2 : -1
            var out = [Int](repeating: 0, count: n)
            for i in 0..<n where input[i] != 0 { out[i + k] = input[i] }
            return out
        case .reverse: return input.reversed()
        case .recolor: return input.map { $0 == recolor.0 ? recolor.1 : $0 }
        case .moveToLeftEdge:
            let cells = input.filter { $0 != 0 }
            return cells + [Int](repeating: 0, count: n - cells.count)
        case .extendToRightEdge:
            guard let first = input.firstIndex(where: { $0 != 0 }) else { return input }
            var out = input
            for i in first..<n { out[i] = input[first] }
            return out
        }
    }

    static func render(_ cells: [Int]) -> String { cells.map(String.init).joined(separator: " ") }

    /// Difficulty 1: rows of 10 cells, 3 rules; 2: 15 cells, 5 rules; 3: 20 cells, 7 rules.
    static func generate(difficulty: Int, rng: inout SwarmRandom) -> (String, String) {
        let length = [10, 15, 20][difficulty - 1]
        let rules = Rule.available(difficulty: difficulty)
        let rule = rules[rng.below(rules.count)]
        let from = rng.int(in: 1...9)
        var to = rng.int(in: 1...8)
        if to >= from { to += 1 }
        var lines = ["Find the rule that maps each input row to its output row, then apply it to the test input."]
        func pair() -> ([Int], [Int]) {
            // Recolouring needs the source colour; other rules any colour. Shifts keep 2 free cells.
            let colour = rule == .recolor ? from : rng.int(in: 1...9)
            let input = row(length: length, colour: colour, rng: &rng, room: 2)
            return (input, apply(rule, input, recolor: (from, to)))
        }
        for example in 1...3 {
            let (input, output) = pair()
            lines.append("Example \(example): input \(render(input)) output \(render(output))")
        }
        let (test, answer) = pair()
        lines.append("Test input: \(render(test))")
        lines.append("Answer with the output row as space-separated digits.")
        return (lines.joined(separator: "\n"), render(answer))
    }
}
