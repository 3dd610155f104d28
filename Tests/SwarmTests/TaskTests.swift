import Foundation
import GensynTestSupport
import Swarm
import Testing

@Suite("Tasks and verifiers")
struct TaskTests {
    static let verifier = Verifier()

    static func allSpecs(seeds: Range<UInt64>) -> [TaskSpec] {
        TaskFamily.allCases.flatMap { family in
            (1...TaskSpec.maxDifficulty).flatMap { d in seeds.map { try! TaskSpec(family: family, difficulty: d, seed: $0) } }
        }
    }

    @Test("a spec outside 1...3 is rejected with a typed error")
    func badDifficulty() {
        #expect(throws: TaskError.self) { try TaskSpec(family: .sorting, difficulty: 0, seed: 1) }
        #expect(throws: TaskError.self) { try TaskSpec(family: .sorting, difficulty: 4, seed: 1) }
        #expect(TaskFamily(wireCode: 7) == nil && TaskFamily(wireCode: 6) == .sorting)
    }

    @Test("generation is deterministic per seed and varies across seeds")
    func determinism() {
        for family in TaskFamily.allCases {
            let a = (0..<20).map { SwarmTask(try! TaskSpec(family: family, difficulty: 2, seed: $0)) }
            let b = (0..<20).map { SwarmTask(try! TaskSpec(family: family, difficulty: 2, seed: $0)) }
            #expect(a == b)
            #expect(Set(a.map(\.question)).count >= 15, "\(family) questions barely vary")
        }
    }

    @Test("the correct answer always verifies; perturbed answers never do")
    func roundTrips() {
        var rng = SwarmRandom(seed: 77)
        for spec in Self.allSpecs(seeds: 0..<40) {
            let task = SwarmTask(spec)
            let good = Self.verifier.score("Let me think. " + Verifier.format(answer: task.answer), for: task)
            #expect(good.correctness == 1 && good.format == 0.1, "\(spec): \(task.question) → \(task.answer)")
            let wrong = NoisySolverPolicy.wrong(task.answer, rng: &rng)
            #expect(Self.verifier.score(Verifier.format(answer: wrong), for: task).correctness == 0, "\(spec): \(wrong) accepted for \(task.answer)")
            let untagged = Self.verifier.score(task.answer, for: task)
            #expect(untagged.correctness == 0 && untagged.format == 0)
        }
    }

    @Test("equivalent forms are accepted, near misses are not")
    func equivalentForms() throws {
        let decimal = SwarmTask(try TaskSpec(family: .decimalArithmetic, difficulty: 1, seed: 3))
        if decimal.answer.contains(".") {
            #expect(decimal.accepts(decimal.answer + "0"))
        }
        #expect(decimal.accepts(" " + decimal.answer + "\n"))
        let sorting = SwarmTask(try TaskSpec(family: .sorting, difficulty: 1, seed: 3))
        #expect(sorting.accepts("[" + sorting.answer + "]"))
        #expect(sorting.accepts(sorting.answer.replacingOccurrences(of: ", ", with: " ")))
        #expect(!sorting.accepts(sorting.answer + ", 1"))
        let base = (0..<50).map { SwarmTask(try! TaskSpec(family: .baseConversion, difficulty: 3, seed: $0)) }
            .first { $0.answer.contains(where: \.isLetter) }!
        #expect(base.accepts(base.answer.uppercased()) && base.accepts("00" + base.answer))
        let fraction = SwarmTask(try TaskSpec(family: .fractionSimplification, difficulty: 2, seed: 1))
        let parts = fraction.answer.split(separator: "/").map { Int($0)! }
        #expect(fraction.accepts("\(parts[0]) / \(parts[1])"))
        #expect(!fraction.accepts("\(parts[0] * 2)/\(parts[1] * 2)"))  // equal value, not lowest terms
        let logic = SwarmTask(try TaskSpec(family: .propositionalLogic, difficulty: 1, seed: 1))
        #expect(logic.accepts(logic.answer.uppercased()) && !logic.accepts("yes"))
    }

    @Test("answer extraction and the format rule")
    func extraction() {
        #expect(Verifier.extract("<answer>5</answer>") == .init(answer: "5", wellFormed: true))
        #expect(Verifier.extract("x <answer>4</answer> y <answer>5</answer>") == .init(answer: "5", wellFormed: false))
        #expect(Verifier.extract("<answer>5</answer> trailing") == .init(answer: "5", wellFormed: false))
        #expect(Verifier.extract("<answer> </answer>") == .init(answer: " ", wellFormed: false))
        #expect(Verifier.extract("<answer>5") == .init(answer: nil, wellFormed: false))
        #expect(Verifier.extract("</answer>5<answer>") == .init(answer: nil, wellFormed: false))
        #expect(Verifier.extract("") == .init(answer: nil, wellFormed: false))
    }

    /// The extraction scans UTF-8 bytes; this compares it with an independent reference built on
    /// Foundation's literal `range(of:)` (UTF-16) over random mixes of tags, tag fragments and
    /// multi-byte characters (combining marks right after a tag included).
    @Test("answer extraction matches a Foundation reference on random texts", arguments: [11, 12] as [UInt64])
    func extractionDifferential(seed: UInt64) {
        func reference(_ text: String) -> (answer: String?, blocks: Int, openings: Int, closings: Int, tail: String) {
            let s = text as NSString
            func ranges(_ p: String) -> [NSRange] {
                var out: [NSRange] = [], from = 0
                while from <= s.length {
                    let r = s.range(of: p, options: .literal, range: NSRange(location: from, length: s.length - from))
                    if r.location == NSNotFound { break }
                    out.append(r)
                    from = r.location + r.length
                }
                return out
            }
            var blocks: [String] = [], position = 0, tail = 0
            while true {
                let o = s.range(of: "<answer>", options: .literal, range: NSRange(location: position, length: s.length - position))
                if o.location == NSNotFound { break }
                let start = o.location + o.length
                let c = s.range(of: "</answer>", options: .literal, range: NSRange(location: start, length: s.length - start))
                if c.location == NSNotFound { break }
                blocks.append(s.substring(with: NSRange(location: start, length: c.location - start)))
                position = c.location + c.length
                tail = position
            }
            return (blocks.last, blocks.count, ranges("<answer>").count, ranges("</answer>").count, s.substring(from: tail))
        }
        let pieces = ["<answer>", "</answer>", "<", ">", "/", "answer", "5", "-3", " ", "\u{e9}", "\u{301}", "\n", "x", "\u{1F600}"]
        var rng = SwarmRandom(seed: seed)
        for _ in 0..<2000 {
            let text = (0..<rng.below(12)).map { _ in pieces[rng.below(pieces.count)] }.joined()
            let got = Verifier.extract(text), want = reference(text)
            #expect(got.answer == want.answer, "\(text.debugDescription)")
            let wellFormed = want.blocks == 1 && want.openings == 1 && want.closings == 1
                && !(want.answer ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                && want.tail.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            #expect(got.wellFormed == wellFormed, "\(text.debugDescription)")
        }
    }

    @Test("the verifier never traps and rejects junk", arguments: [1, 2, 3] as [UInt64])
    func fuzz(seed: UInt64) {
        var rng = SwarmRandom(seed: seed)
        let alphabet = Array("0123456789-./, []<>answer/\u{e9}\u{1F600}\u{0}x")
        let tasks = Self.allSpecs(seeds: 0..<2).map(SwarmTask.init)
        for _ in 0..<1500 {
            let n = rng.below(40)
            let text = String((0..<n).map { _ in alphabet[rng.below(alphabet.count)] })
            let task = tasks[rng.below(tasks.count)]
            let r = Self.verifier.score(Verifier.format(answer: text), for: task)
            // Junk may hit the answer by chance only if it is an accepted form of it.
            if r.correctness == 1 { #expect(task.accepts(text)) }
        }
        let huge = String(repeating: "9", count: 10_000)
        #expect(Self.verifier.score(Verifier.format(answer: huge), for: tasks[0]).total == 0)
        #expect(!tasks[0].accepts(String(repeating: "9", count: 40)))
    }

    @Test("answers match an independent Python solver of the question text")
    func pythonSolver() throws {
        let tasks = Self.allSpecs(seeds: 0..<30).map(SwarmTask.init)
        let input = try String(decoding: JSONEncoder().encode(tasks.map { [$0.spec.family.rawValue, $0.question, $0.answer] }), as: UTF8.self)
        let output = try PythonOracle.run(Self.solver, input: input)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.last == "checked \(tasks.count)", "\(lines.prefix(10))")
    }

    // Parses each question and solves it from scratch (Fractions, int(x, base), a formula parser,
    // and an independent set of 1-D transformations), printing any disagreement.
    static let solver = #"""
        import sys, json, re
        from fractions import Fraction
        bad = []
        def frac_eval(expr):
            py = re.sub(r'(\d+(?:\.\d+)?)', lambda m: "Fraction('%s')" % m.group(1), expr)
            return eval(py, {"Fraction": Fraction})
        def logic(formula, env):
            toks = re.findall(r'<->|->|[~&|()]|[A-Z]', formula)
            pos = [0]
            def peek(): return toks[pos[0]] if pos[0] < len(toks) else None
            def take(): pos[0] += 1; return toks[pos[0] - 1]
            def operand():
                t = take()
                if t == '~': return not operand()
                if t == '(':
                    v = expr(); assert take() == ')'; return v
                return env[t]
            def expr():
                a = operand()
                if peek() in ('&', '|', '->', '<->'):
                    op = take(); b = operand()
                    return {'&': a and b, '|': a or b, '->': (not a) or b, '<->': a == b}[op]
                return a
            v = expr(); assert pos[0] == len(toks); return v
        def arc_candidates(row):
            n = len(row); out = {}
            for k in (1, 2, -1):
                r = [0] * n; ok = True
                for i, c in enumerate(row):
                    if c:
                        if 0 <= i + k < n: r[i + k] = c
                        else: ok = False
                if ok: out['shift%d' % k] = r
            out['reverse'] = row[::-1]
            nz = [c for c in row if c]; out['left'] = nz + [0] * (n - len(nz))
            f = next(i for i, c in enumerate(row) if c); out['extend'] = row[:f] + [row[f]] * (n - f)
            return out
        tasks = json.loads(sys.stdin.read())
        for fam, q, ans in tasks:
            try:
                if fam == 'basic_arithmetic':
                    e = re.match(r'Calculate (.*)\. Give the result', q).group(1)
                    ok = str(eval(e)) == ans
                elif fam == 'decimal_arithmetic':
                    e = re.match(r'Calculate (.*)\. Give the exact', q).group(1)
                    v = frac_eval(e)
                    ok = Fraction(ans) == v and not (('.' in ans) and ans.endswith('0'))
                elif fam == 'base_conversion':
                    m = re.match(r'Convert the base-(\d+).*? number ([0-9a-z]+) to base-(\d+)', q)
                    v = int(m.group(2), int(m.group(1)))
                    ok = int(ans, int(m.group(3))) == v and (ans == '0' or ans[0] != '0') and ans == ans.lower()
                elif fam == 'fraction_simplification':
                    a, b = map(int, re.search(r'fraction (\d+)/(\d+)', q).groups())
                    f = Fraction(a, b); ok = ans == '%d/%d' % (f.numerator, f.denominator)
                elif fam == 'propositional_logic':
                    env = {k: v == 'true' for k, v in re.findall(r'([A-Z]) = (true|false)', q)}
                    formula = re.search(r'evaluate the formula (.*) \(~ not', q).group(1)
                    ok = ans == ('true' if logic(formula, env) else 'false')
                elif fam == 'arc_1d':
                    pairs = [([int(x) for x in i.split()], [int(x) for x in o.split()]) for i, o in re.findall(r'input ([\d ]+) output ([\d ]+)', q)]
                    test = [int(x) for x in re.search(r'Test input: ([\d ]+)', q).group(1).split()]
                    want = [int(x) for x in ans.split()]
                    ok = False
                    for name in arc_candidates(test):
                        if all(arc_candidates(i).get(name) == o for i, o in pairs) and arc_candidates(test)[name] == want: ok = True
                    # Recolouring: a colour map learnt from the examples.
                    cmap = {}
                    for i, o in pairs:
                        for a, b in zip(i, o): cmap.setdefault(a, b)
                    if all([cmap.get(a, a) for a in i] == o for i, o in pairs) and [cmap.get(a, a) for a in test] == want: ok = True
                elif fam == 'sorting':
                    m = re.search(r'in (ascending|descending) order: (.*)\. Answer', q)
                    nums = [int(x) for x in m.group(2).split(', ')]
                    ok = ', '.join(map(str, sorted(nums, reverse=m.group(1) == 'descending'))) == ans
                else: ok = False
            except Exception as ex:
                ok = False; q = q + ' [' + repr(ex) + ']'
            if not ok: bad.append((fam, q, ans))
        for b in bad[:10]: print(json.dumps(b))
        print('checked %d' % (len(tasks) - len(bad)))
        """#
}
