import RepOps
import Testing
@testable import Verde

@Suite("TensorStore: uploads under claimed digests, verified once when read")
struct TensorStoreTests {
    static func tensor(_ seed: UInt64, count: Int) throws -> Tensor {
        try Tensor.randomNormal(shape: [count], seed: seed)
    }

    @Test("a correct claim reads back; a wrong claim is never handed out", arguments: [3, 5000])
    func claims(count: Int) throws {
        let a = try Self.tensor(1, count: count), b = try Self.tensor(2, count: count)
        let da = Digest(trace: a), db = Digest(trace: b)
        #expect(da != db)
        let store = TensorStore()
        store.put(a, claiming: da)
        store.put(b, claiming: da)  // a forged upload under a's digest
        #expect(try store.tensor(da).scalars == a.scalars)
        // b was only claimed as da: db is not in the store.
        #expect(throws: VerdeError.self) { try store.tensor(db) }
        #expect(store.count == 1)
    }

    @Test("a forged upload filed first does not shadow the honest one; a lone forgery is refused")
    func forgedFirst() throws {
        let honest = try Self.tensor(3, count: 2100), forged = try Self.tensor(4, count: 2100)
        let d = Digest(trace: honest)
        let store = TensorStore()
        store.put(forged, claiming: d)
        store.put(honest, claiming: d)
        #expect(try store.tensor(d).scalars == honest.scalars)
        // Read again: the verified value, and later uploads under the same digest are ignored.
        store.put(forged, claiming: d)
        #expect(try store.tensor(d).scalars == honest.scalars)

        let lone = TensorStore()
        lone.put(forged, claiming: d)
        #expect(throws: VerdeError.self) { try lone.tensor(d) }
        #expect(lone.count == 0)
        #expect(throws: VerdeError.self) { try lone.tensor(d) }
    }

    @Test("put(_:) files under the computed digest; removeAll empties")
    func computed() throws {
        let t = try Self.tensor(5, count: 10)
        let store = TensorStore()
        let d = store.put(t)
        #expect(d == Digest(trace: t))
        #expect(try store.tensor(d).scalars == t.scalars)
        store.removeAll()
        #expect(store.count == 0)
    }

    @Test("the referee rules a cheater whose upload does not match its claim out, not the honest party")
    func refereeRejectsForgedInput() throws {
        let source = SmallGPT.honest
        let referee = SmallGPT.otherReferee.reading(from: TensorStore())
        let step = 2
        let trace = try source.trace(step: step)
        // The first op with an op input: file a forged value under that input's digest only.
        let op = try #require(trace.ops.first { $0.inputs.contains { if case .op = $0 { true } else { false } } })
        let inputs = try op.inputs.map { input -> Digest in
            switch input {
            case .op(let j): return trace.ops[j].outputDigest
            case .checkpoint(let name): return try source.checkpoint(after: step - 1).opening(named: name).tensor.digest
            }
        }
        let staging = TensorStore()
        _ = try source.uploadInputs(step: step, op: op.index, to: staging)
        for (k, d) in inputs.enumerated() {
            let value = try staging.tensor(d)
            let isOp = if case .op = op.inputs[k] { true } else { false }
            let forged = isOp ? (try Tensor(shape: value.shape, repeating: 0.5)) : value
            referee.store.put(forged, claiming: d)
        }
        #expect(throws: VerdeError.self) { try referee.reexecute(op, inputs: inputs, step: step, job: source.job) }
        // The honest upload arrives: the same question now reproduces the committed output.
        _ = try source.uploadInputs(step: step, op: op.index, to: referee.store)
        #expect(try referee.reexecute(op, inputs: inputs, step: step, job: source.job) == op.outputDigest)
    }
}
