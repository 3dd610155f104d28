import BenchmarkSupport
import GensynPrimitives

/// `UInt256.mulDiv` (512-bit product, Knuth division) against textbook binary long division of the
/// same 512-bit product (one shift-compare-subtract per quotient bit), on 1024 fixed operand triples.
enum IntegerBenchmarks {
    /// Operands like 18-decimal fixed point: values up to ~10²⁴·10¹⁸, denominators 10¹⁸ or wide.
    static func operands(wide: Bool) -> [(UInt256, UInt256, UInt256)] {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        let wad = UInt256(1_000_000_000_000_000_000)
        return (0..<1024).map { _ in
            if wide {
                // 512-bit products: a·b up to 2^400, denominators of 3 limbs.
                let a = UInt256(littleEndianLimbs: (next(), next(), next(), next() >> 32))
                let b = UInt256(littleEndianLimbs: (next(), next(), next() >> 16, 0))
                let d = UInt256(littleEndianLimbs: (next(), next(), next() | 1 << 63, 0))
                return (a, b, d)
            }
            let a = UInt256(littleEndianLimbs: (next(), next() >> 40, 0, 0))
            let b = UInt256(littleEndianLimbs: (next(), next() >> 40, 0, 0))
            return (a, b, wad)
        }
    }

    /// Restoring binary division of the 512-bit `high·2²⁵⁶ + low` by `d` (requires `high < d`).
    static func shiftSubtractMulDiv(_ a: UInt256, _ b: UInt256, _ d: UInt256) -> UInt256 {
        let (high, low) = a.multipliedFullWidth(by: b)
        var r = high
        var q = UInt256.zero
        for i in stride(from: 255, through: 0, by: -1) {
            let top = r.leadingZeroBitCount == 0
            r = (r << 1) | ((low >> i) & .one)
            q = q << 1
            if top || r >= d {
                r = r &- d
                q = q | .one
            }
        }
        return q
    }

    static func all() -> [Benchmark] {
        [("muldiv_wad", false), ("muldiv_wide512", true)].map { name, wide in
            let ops = operands(wide: wide)
            // Both sides must compute the same thing (and every case must fit).
            for (a, b, d) in ops {
                precondition((try? UInt256.mulDiv(a, b, d)) == shiftSubtractMulDiv(a, b, d), "\(name): mismatch")
            }
            return Benchmark(
                name: name, unit: "Mop/s", work: Double(ops.count) / 1e6,
                ours: {
                    var acc = UInt256.zero
                    for (a, b, d) in ops { acc ^= (try? UInt256.mulDiv(a, b, d)) ?? .zero }
                    blackHole(acc)
                },
                baseline: {
                    var acc = UInt256.zero
                    for (a, b, d) in ops { acc ^= shiftSubtractMulDiv(a, b, d) }
                    blackHole(acc)
                })
        }
    }
}
