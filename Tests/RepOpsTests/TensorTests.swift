import GensynPrimitives
import RepOps
import Testing

/// Tensor construction, shape ops, canonical encoding, Philox and selection helpers.
@Suite("Tensor")
struct TensorTests {
    @Test("construction validates shapes with typed errors")
    func construction() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.rank == 2 && t.count == 6)
        expectError(.invalidShape) { _ = try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
        expectError(.invalidShape) { _ = try Tensor.zeros([-1, 2]) }
        expectError(.invalidShape) { _ = try Tensor.zeros([Int.max, 2]) }
        #expect(try Tensor(shape: [2], repeating: 7).scalars == [7, 7])
        #expect(Tensor(scalar: 3).shape == [])
    }

    @Test("reshape, transpose, slice, concatenate and split move elements exactly")
    func shapeOps() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try t.reshaped([3, 2]).shape == [3, 2])
        expectError(.shapeMismatch) { _ = try t.reshaped([4]) }
        #expect(try t.transposed().scalars == [1, 4, 2, 5, 3, 6])
        var r = TestRandom(seed: 31)
        let x = r.tensor([2, 3, 4])
        let p = try x.transposed([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(p.scalars[(k * 2 + i) * 3 + j] == x.scalars[(i * 3 + j) * 4 + k]) } } }
        #expect(try p.transposed([1, 2, 0]) == x)
        expectError(.invalidArgument) { _ = try x.transposed([0, 0, 1]) }
        #expect(try t.slice(axis: 1, 1..<3).scalars == [2, 3, 5, 6])
        #expect(try t.slice(axis: -1, 0..<1).scalars == [1, 4])
        expectError(.indexOutOfRange) { _ = try t.slice(axis: 1, 2..<4) }
        expectError(.indexOutOfRange) { _ = try t.slice(axis: 2, 0..<1) }
        let parts = try x.split(axis: 2, sizes: [1, 3])
        #expect(parts.map(\.shape) == [[2, 3, 1], [2, 3, 3]])
        #expect(try Tensor.concatenate(parts, axis: 2) == x)
        #expect(try Tensor.concatenate([t, t], axis: 0).shape == [4, 3])
        expectError(.invalidArgument) { _ = try x.split(axis: 2, sizes: [1, 2]) }
        expectError(.shapeMismatch) { _ = try Tensor.concatenate([t, x], axis: 0) }
        expectError(.emptyTensor) { _ = try Tensor.concatenate([], axis: 0) }
    }

    @Test("canonical encoding: tag, rank, dims, little-endian bits, NaN canonicalised; digest is its Keccak-256")
    func encoding() throws {
        let t = try Tensor(shape: [1, 2], scalars: [1, Float(bitPattern: 0xFFC0_0001)])
        let expected: [UInt8] = [0x01, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0xC0, 0x7F]
        #expect(t.canonicalBytes == expected)
        #expect(t.digest == Keccak256.hash(expected))
        #expect(t.digestHex == Hex.encode(Keccak256.hash(expected)))
        #expect(Tensor([.nan]).digest == Tensor([-.nan]).digest)
        #expect(Tensor([0]).digest != Tensor([-0.0]).digest)
        #expect(Tensor([1, 2]).digest != (try Tensor(shape: [2, 1], scalars: [1, 2])).digest)
    }

    @Test("Philox-4x32-10 known answers (Random123 kat_vectors)")
    func philoxKnownAnswers() {
        #expect(Tensor.philox4x32x10(counter: (0, 0, 0, 0), key: (0, 0)) == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        #expect(Tensor.philox4x32x10(counter: (~0, ~0, ~0, ~0), key: (~0, ~0)) == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        #expect(
            Tensor.philox4x32x10(counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), key: (0xa409_3822, 0x299f_31d0))
                == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    @Test("uniform stream follows the documented mapping; normal stream has mean 0, std 1")
    func randomStreams() throws {
        let seed: UInt64 = 0x1234_5678_9ABC_DEF0
        let u = try Tensor.randomUniform(shape: [10], seed: seed, low: -1, high: 3)
        for i in 0..<10 {
            let w = Tensor.philox4x32x10(counter: (UInt32(i / 4), 0, 0, 0), key: (0x9ABC_DEF0, 0x1234_5678))[i % 4]
            let unit = Float(w >> 8) * 0x1p-24
            #expect(u.scalars[i].bitPattern == (-1 as Float).addingProduct(unit, 4).bitPattern)  // fma(u, hi − lo, lo)
        }
        let n = try Tensor.randomNormal(shape: [20000], seed: 9)
        let mean = n.scalars.reduce(0.0) { $0 + Double($1) } / 20000
        let variance = n.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / 20000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.04)
        #expect(try Tensor.randomNormal(shape: [5], seed: 9).scalars == Array(n.scalars.prefix(5)))  // element i depends on (seed, i) only
        #expect(try Tensor.randomNormal(shape: [5], seed: 10) != Tensor.randomNormal(shape: [5], seed: 9))
    }

    @Test("argmax, top-k and top-p follow the documented tie and NaN rules")
    func selection() throws {
        let rows = try Tensor(shape: [3, 4], scalars: [1, 3, 3, 2, -1, .nan, 5, .nan, -0.0, 0, -1, -2])
        #expect(try rows.argmax() == [1, 1, 0])
        let v = Tensor([0.1, 0.4, 0.4, .nan, 0.05, 0.05])
        #expect(try v.topK(4) == [3, 1, 2, 0])
        expectError(.invalidArgument) { _ = try v.topK(7) }
        let probs = Tensor([0.1, 0.5, 0.25, 0.15])
        #expect(try probs.topP(0.7) == [1, 2])
        #expect(try probs.topP(0.75) == [1, 2])
        #expect(try probs.topP(0.01) == [1])
        expectError(.invalidArgument) { _ = try probs.topP(0) }
        expectError(.emptyTensor) { _ = try Tensor([]).topP(0.5) }
    }

    @Test("dropout keeps exactly the elements whose uniform draw is ≥ rate, scaled by 1/(1−rate)")
    func dropout() throws {
        let x = try Tensor.randomNormal(shape: [20, 50], seed: 3)
        let y = try x.dropout(rate: 0.25, seed: 77)
        let u = try Tensor.randomUniform(shape: [1000], seed: 77)
        let scale: Float = 1 / (1 - 0.25)
        for i in 0..<1000 {
            #expect(y.scalars[i].bitPattern == (u.scalars[i] >= 0.25 ? x.scalars[i] * scale : 0).bitPattern)
        }
        let kept = u.scalars.filter { $0 >= 0.25 }.count
        #expect(kept > 700 && kept < 800)
        #expect(try x.dropout(rate: 0, seed: 1) == x.scaled(by: 1))
        expectError(.invalidArgument) { _ = try x.dropout(rate: 1, seed: 1) }
    }

    @Test("sampleIndex follows the documented rule and the weights' proportions")
    func sampling() throws {
        let w = Tensor([0, 1, 3, 0, 4])
        var counts = [Int](repeating: 0, count: 5)
        for c in 0..<4000 as Range<UInt64> { counts[try w.sampleIndex(seed: 5, counter: c)] += 1 }
        #expect(counts[0] == 0 && counts[3] == 0)
        #expect(abs(Double(counts[4]) / 4000 - 0.5) < 0.04 && abs(Double(counts[1]) / 4000 - 0.125) < 0.03)
        // The rule, literally, for one draw.
        let block = Tensor.philox4x32x10(counter: (9, 0, 0, 2), key: (5, 0))
        let t = Float(block[0] >> 8) * 0x1p-24 * 8
        let expected = t < 1 ? 1 : (t < 4 ? 2 : 4)
        #expect(try w.sampleIndex(seed: 5, counter: 9) == expected)
        expectError(.invalidArgument) { _ = try Tensor([0, 0]).sampleIndex(seed: 1, counter: 0) }
        expectError(.invalidArgument) { _ = try Tensor([1, -1]).sampleIndex(seed: 1, counter: 0) }
        expectError(.invalidArgument) { _ = try Tensor([1, .nan]).sampleIndex(seed: 1, counter: 0) }
        expectError(.emptyTensor) { _ = try Tensor([]).sampleIndex(seed: 1, counter: 0) }
    }

    @Test("embedding gathers rows; out-of-range indices are typed errors")
    func embedding() throws {
        let table = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try table.embedding([2, 0, 2]).scalars == [5, 6, 1, 2, 5, 6])
        expectError(.indexOutOfRange) { _ = try table.embedding([3]) }
        expectError(.indexOutOfRange) { _ = try table.embedding([-1]) }
        expectError(.shapeMismatch) { _ = try Tensor([1]).embedding([0]) }
    }
}
