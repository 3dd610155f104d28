import CGensynRepOps
import GensynTestSupport
import RepOps
import Testing

/// Seeded inputs shared by the suites.
enum MathInputs {
    static func lcg(_ state: inout UInt64) -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }

    /// Every special class: zeros, subnormals, normals at the edges, infinities, NaNs (quiet,
    /// signalling, negative, with payloads), and each function's saturation thresholds.
    static let specials: [UInt32] = [
        0x0000_0000, 0x8000_0000, 0x0000_0001, 0x8000_0001, 0x0000_0003, 0x807f_ffff, 0x007f_ffff,
        0x0080_0000, 0x8080_0000, 0x7f7f_ffff, 0xff7f_ffff, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000,
        0xffc0_0000, 0x7fc1_2345, 0x7f81_2345, 0xff80_0001, 0x3f80_0000, 0xbf80_0000, 0x3f7f_ffff,
        0x3f80_0001, 0x3300_0000, 0xb300_0000, 0x3280_0000, 0xb280_0000, 0x42b1_7217, 0x42b1_7218,
        0xc2ce_8ed0, 0xc2cf_f1b5, 0x4111_0000, 0xc111_0000, 0x407a_0000, 0x4180_0000, 0xc180_0000,
        0x418a_0000, 0xc1a0_0000, 0xc2f0_0000, 0x4348_0000, 0x3e80_0000, 0xbe80_0000, 0x3f00_0000,
        0xbf00_0000, 0x3eff_ffff, 0x2f80_0000, 0xaf80_0000, 0x3080_0000, 0xb080_0000,
    ]

    /// Random bit patterns (all classes, weighted by the float space), plus uniform values in
    /// [-20, 20] where the functions are not saturated.
    static func mixed(_ n: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<n).map { i in
            let r = lcg(&state)
            if i % 2 == 0 { return Float(bitPattern: UInt32(truncatingIfNeeded: r >> 32)) }
            return Float(Int64(bitPattern: r >> 11) % 4_000_001 - 2_000_000) / 100_000
        }
    }

    /// Finite in-domain inputs for the oracle: a spread over all magnitudes and the active range.
    static func sampled(_ function: RepOpsMath.Function, count: Int, seed: UInt64) -> [UInt32] {
        var state = seed
        var out: [UInt32] = []
        while out.count < count {
            let r = lcg(&state)
            var bits: UInt32
            switch r % 3 {
            case 0: bits = UInt32(truncatingIfNeeded: r >> 32)  // any magnitude
            case 1:  // |x| in [2^-8, 2^7): where every function is non-trivial
                let exponent = UInt32(119 + (r >> 40) % 15), mantissa = UInt32(truncatingIfNeeded: r >> 9) & 0x7f_ffff
                bits = exponent << 23 | mantissa | (r & 0x100 != 0 ? 0x8000_0000 : 0)
            default:  // [-20, 20] uniform
                bits = Float(Int64(bitPattern: r >> 11) % 4_000_001 - 2_000_000).bitPattern
                bits = (Float(bitPattern: bits) / 100_000).bitPattern
            }
            let x = Float(bitPattern: bits)
            guard x.isFinite else { continue }
            if [.log, .sqrt, .rsqrt].contains(function) {
                guard x > 0 else { continue }
            }
            out.append(bits)
        }
        return out
    }
}

@Suite("RepOps math: correctly rounded against mpmath")
struct MathOracleTests {
    @Test("seeded inputs over the whole range round like mpmath at 200 bits", arguments: RepOpsMath.Function.allCases)
    func sampledInputsAreCorrectlyRounded(function: RepOpsMath.Function) throws {
        try #require(PythonOracle.isAvailable, "the test venv is missing")
        var inputs = MathInputs.sampled(function, count: 1500, seed: 0x5eed &+ UInt64(function.rawValue.utf8.count))
        // Hard cases: inputs of the exception table (their results must still be right) and the
        // x/2 midpoints of x·sigmoid-like functions at odd subnormals.
        inputs += exceptionInputs(function)
        if [.silu, .gelu, .geluTanh].contains(function) { inputs += [0x0000_0001, 0x8000_0001, 0x0003_ccc5, 0x8004_4f35] }
        let expected = try MathOracle.expected(function.rawValue, inputs)
        try #require(expected.count == inputs.count)
        let got = RepOpsMath.apply(function, to: inputs.map { Float(bitPattern: $0) })
        var wrong = 0
        for i in inputs.indices where got[i].bitPattern != expected[i] {
            wrong += 1
            if wrong <= 5 {
                Issue.record("\(function.rawValue)(\(hex(inputs[i])) = \(Float(bitPattern: inputs[i]))) = \(hex(got[i].bitPattern)), correctly rounded \(hex(expected[i]))")
            }
        }
        #expect(wrong == 0, "\(wrong) of \(inputs.count) results are not correctly rounded")
    }

    func exceptionInputs(_ function: RepOpsMath.Function) -> [UInt32] {
        var buffer = [UInt32](repeating: 0, count: 4096)
        let n = gensyn_math_exception_inputs(function.rawValue, &buffer, buffer.count)
        return Array(buffer.prefix(max(0, min(n, buffer.count))))
    }
}

func hex(_ bits: UInt32) -> String {
    let s = String(bits, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - s.count) + s
}

@Suite("RepOps math: special values")
struct MathSpecialValueTests {
    static let inf = Float.infinity
    static let qnan: UInt32 = 0x7fc0_0000

    /// (function, input, expected bits): IEEE-754 / mathematical limits, written by hand.
    static let cases: [(RepOpsMath.Function, Float, UInt32)] = [
        (.exp, 0, 0x3f80_0000), (.exp, -0.0, 0x3f80_0000), (.exp, -inf, 0), (.exp, inf, 0x7f80_0000),
        (.exp, 89, 0x7f80_0000), (.exp, -104, 0), (.exp, 1, 0x402d_f854),
        (.log, 1, 0), (.log, 0, 0xff80_0000), (.log, -0.0, 0xff80_0000), (.log, -1, qnan), (.log, -inf, qnan),
        (.log, inf, 0x7f80_0000), (.log, 2, 0x3f31_7218), (.log, Float(bitPattern: 1), 0xc2ce_8ed0),
        (.tanh, 0, 0), (.tanh, -0.0, 0x8000_0000), (.tanh, inf, 0x3f80_0000), (.tanh, -inf, 0xbf80_0000),
        (.tanh, 20, 0x3f80_0000), (.tanh, Float(bitPattern: 1), 1), (.tanh, Float(bitPattern: 0x8000_0001), 0x8000_0001),
        (.erf, 0, 0), (.erf, -0.0, 0x8000_0000), (.erf, inf, 0x3f80_0000), (.erf, -inf, 0xbf80_0000), (.erf, 5, 0x3f80_0000),
        (.sigmoid, 0, 0x3f00_0000), (.sigmoid, -0.0, 0x3f00_0000), (.sigmoid, inf, 0x3f80_0000), (.sigmoid, -inf, 0),
        (.sigmoid, 120, 0x3f80_0000), (.sigmoid, -120, 0),
        (.sqrt, 0, 0), (.sqrt, -0.0, 0x8000_0000), (.sqrt, 4, 0x4000_0000), (.sqrt, inf, 0x7f80_0000),
        (.sqrt, -1, qnan), (.sqrt, -inf, qnan), (.sqrt, Float(bitPattern: 1), 0x1a35_04f3),
        (.rsqrt, 0, 0x7f80_0000), (.rsqrt, -0.0, 0xff80_0000), (.rsqrt, inf, 0), (.rsqrt, 4, 0x3f00_0000),
        (.rsqrt, -4, qnan), (.rsqrt, 1, 0x3f80_0000),
        (.gelu, 0, 0), (.gelu, -0.0, 0x8000_0000), (.gelu, inf, 0x7f80_0000), (.gelu, -inf, 0x8000_0000),
        (.gelu, -30, 0x8000_0000), (.gelu, 30, 0x41f0_0000),
        (.geluTanh, 0, 0), (.geluTanh, -0.0, 0x8000_0000), (.geluTanh, inf, 0x7f80_0000), (.geluTanh, -inf, 0x8000_0000),
        (.geluTanh, -30, 0x8000_0000), (.geluTanh, 30, 0x41f0_0000),
        (.silu, 0, 0), (.silu, -0.0, 0x8000_0000), (.silu, inf, 0x7f80_0000), (.silu, -inf, 0x8000_0000),
        (.silu, -300, 0x8000_0000), (.silu, 300, 0x4396_0000),
    ]

    @Test("limits, signed zeros, infinities and domain errors follow Docs/RepOps.md")
    func specialValues() {
        for (function, x, want) in Self.cases {
            let got = RepOpsMath.evaluate(function, x).bitPattern
            #expect(got == want, "\(function.rawValue)(\(x)) = \(hex(got)), want \(hex(want))")
        }
    }

    @Test("NaN inputs come back quiet with their payload and sign", arguments: RepOpsMath.Function.allCases)
    func nanPropagation(function: RepOpsMath.Function) {
        for (input, want): (UInt32, UInt32) in [(0x7fc0_0000, 0x7fc0_0000), (0x7fc1_2345, 0x7fc1_2345),
                                               (0x7f81_2345, 0x7fc1_2345), (0xffc0_0001, 0xffc0_0001)] {
            let got = RepOpsMath.evaluate(function, Float(bitPattern: input)).bitPattern
            #expect(got == want, "\(function.rawValue)(\(hex(input))) = \(hex(got)), want \(hex(want))")
        }
    }

    @Test("scalar functions equal the array form")
    func scalarMatchesArray() {
        let xs = MathInputs.mixed(300, seed: 9) + MathInputs.specials.map { Float(bitPattern: $0) }
        let scalar: [(RepOpsMath.Function, (Float) -> Float)] = [
            (.exp, RepOpsMath.exp), (.log, RepOpsMath.log), (.tanh, RepOpsMath.tanh), (.erf, RepOpsMath.erf),
            (.sigmoid, RepOpsMath.sigmoid), (.sqrt, RepOpsMath.sqrt), (.rsqrt, RepOpsMath.rsqrt),
            (.gelu, RepOpsMath.gelu), (.geluTanh, RepOpsMath.geluTanh), (.silu, RepOpsMath.silu),
        ]
        for (function, f) in scalar {
            let array = RepOpsMath.apply(function, to: xs)
            var inPlace = xs
            RepOpsMath.applyInPlace(function, &inPlace)
            for i in xs.indices {
                #expect(f(xs[i]).bitPattern == array[i].bitPattern, "\(function.rawValue)(\(xs[i]))")
                #expect(inPlace[i].bitPattern == array[i].bitPattern, "\(function.rawValue) in place")
            }
        }
        #expect(RepOpsMath.exp([]) == [])
    }
}

@Suite("RepOps math: portable and AVX2 paths")
struct MathPathTests {
    @Test("portable and AVX2 kernels agree bit for bit", arguments: RepOpsMath.Function.allCases)
    func pathsAgree(function: RepOpsMath.Function) throws {
        try #require(gensyn_cpu_has_avx2_fma() == 1, "this CPU has no AVX2+FMA; nothing to compare")
        let specials = MathInputs.specials.map { Float(bitPattern: $0) }
        for (n, seed) in [(0, 1), (1, 2), (3, 3), (4, 4), (5, 5), (7, 6), (8, 7), (9, 8), (15, 9), (17, 10), (1000, 11), (4099, 12), (50_000, 13)] as [(Int, UInt64)] {
            let xs = Array((specials + MathInputs.mixed(n, seed: seed)).prefix(max(n, 1) == 1 ? n : max(n, specials.count)))
            var p = [Float](repeating: 0, count: xs.count), v = p
            #expect(gensyn_math_apply_isa(function.rawValue, Int32(GENSYN_ISA_PORTABLE.rawValue), xs, &p, xs.count) == 0)
            #expect(gensyn_math_apply_isa(function.rawValue, Int32(GENSYN_ISA_AVX2.rawValue), xs, &v, xs.count) == 0)
            var differ = 0
            for i in xs.indices where p[i].bitPattern != v[i].bitPattern {
                differ += 1
                if differ <= 3 { Issue.record("\(function.rawValue)(\(hex(xs[i].bitPattern))): portable \(hex(p[i].bitPattern)) avx2 \(hex(v[i].bitPattern))") }
            }
            #expect(differ == 0, "n=\(xs.count): \(differ) lanes differ")
        }
    }

    @Test("unknown names are rejected")
    func unknownName() {
        var y: Float = 0
        var x: Float = 1
        #expect(gensyn_math_apply("expm2", &x, &y, 1) == -1)
        #expect(gensyn_math_apply(nil, &x, &y, 1) == -1)
        #expect(gensyn_math_apply_isa("exp", 7, &x, &y, 1) == -1)
        #expect(gensyn_math_function_count() == RepOpsMath.Function.allCases.count)
        for i in 0..<gensyn_math_function_count() {
            let name = String(cString: gensyn_math_function_name(i))
            #expect(RepOpsMath.Function(rawValue: name) != nil, "\(name)")
        }
    }
}

@Suite("RepOps math: bit-pattern filter (gensyn-repops math)")
struct MathCommandTests {
    @Test("maps bit patterns line by line")
    func filter() throws {
        let out = try RepOpsMath.runBitPatternFilter(function: "exp", input: "3f800000\n00000000\n  FF800000 \r\n7fc00000")
        #expect(out == "402df854\n3f800000\n00000000\n7fc00000\n")
        var lines: [String] = []
        try RepOpsMath.runBitPatternFilter(function: "gelu_tanh", lines: ["80000000"]) { lines.append($0) }
        #expect(lines == ["80000000"])
        #expect(try RepOpsMath.runBitPatternFilter(function: "sqrt", input: "") == "")
    }

    @Test("the documented example (Docs/RepOps.md) prints what it says")
    func documentedExample() throws {
        #expect(RepOpsMath.exp(1) == 2.7182817)
        #expect(RepOpsMath.apply(.gelu, to: [-1, 0, 1]) == [-0.15865526, 0, 0.8413448])
        var out: [String] = []
        try RepOpsMath.runBitPatternFilter(function: "log", lines: ["40000000"]) { out.append($0) }
        #expect(out == ["3f317218"])
    }

    @Test("large inputs stream in batches, in order")
    func batches() throws {
        let xs = MathInputs.mixed(10_000, seed: 77)
        let input = xs.map { String($0.bitPattern, radix: 16) }.map { String(repeating: "0", count: 8 - $0.count) + $0 }
        var out: [String] = []
        try RepOpsMath.runBitPatternFilter(function: "tanh", lines: input) { out.append($0) }
        let want = RepOpsMath.tanh(xs).map { $0.bitPattern }
        #expect(out.map { UInt32($0, radix: 16)! } == want)
    }

    @Test("an unknown function is a typed error naming the valid ones")
    func unknownFunction() {
        #expect {
            try RepOpsMath.runBitPatternFilter(function: "cosh", input: "3f800000")
        } throws: { error in
            guard let e = error as? MathCommandError else { return false }
            return e.code == .unknownFunction && e.message.contains("gelu_tanh")
        }
    }

    @Test("a bad line is a typed error with its line number", arguments: ["3f80000", "3f8000000", "3f80000g", "", "0x3f8000"])
    func badLine(line: String) {
        var out: [String] = []
        #expect {
            try RepOpsMath.runBitPatternFilter(function: "log", lines: ["3f800000", line]) { out.append($0) }
        } throws: { error in
            guard let e = error as? MathCommandError else { return false }
            return e.code == .badLine && e.message.contains("line 2")
        }
        #expect(out == ["00000000"], "results before the bad line are written")
    }
}
