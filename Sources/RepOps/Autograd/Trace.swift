/// Where a traced op's input comes from.
public enum TraceInput: Sendable, Equatable, CustomStringConvertible {
    /// The output of the earlier record with this index.
    case op(Int)
    /// A named checkpoint tensor (a parameter registered with ``Tape/parameter(_:_:)``).
    case named(String)

    public var description: String {
        switch self {
        case let .op(i): return "#\(i)"
        case let .named(n): return n
        }
    }
}

/// One executed op: index, kind, attributes, inputs, output shape and digest. `output` is the
/// value itself (a cheap copy-on-write reference); sinks that only stream digests drop it.
public struct TraceRecord: Sendable, CustomStringConvertible {
    /// Position in the trace (0, 1, … in execution order).
    public let index: Int
    /// Op kind: a forward op (`matmul`, `layerNorm`, …), `leaf`, `vjp.<op>.<slot>` (one input
    /// gradient of a backward step), or `gradSum` (a value's gradient contributions summed in
    /// increasing consumer order).
    public let kind: String
    /// Attributes (transposes, eps, scale, indices, targets, …) as text.
    public let attributes: String
    /// Inputs in positional order.
    public let inputs: [TraceInput]
    /// The output value.
    public let output: Tensor
    /// The output's ``Tensor/traceDigest`` (Keccak-256; a chunk tree above 8 KiB).
    public let outputDigest: [UInt8]
    let replay: Replay

    enum Replay: Sendable {
        case leaf
        case forward(Tape.Op)
        case vjp(Tape.Op, slot: Int)
        case gradSum
        case function(@Sendable ([Tensor]) throws(RepOpsError) -> Tensor)
    }

    /// Output shape.
    public var outputShape: [Int] { output.shape }

    public var description: String {
        "#\(index) \(kind)(\(inputs.map(\.description).joined(separator: ", ")))\(attributes.isEmpty ? "" : " [\(attributes)]") → \(output.shape)"
    }

    /// Re-executes this op alone from its input values (in ``inputs`` order) and returns the
    /// output; a referee compares its digest with ``outputDigest``.
    public func reexecute(_ values: [Tensor]) throws(RepOpsError) -> Tensor {
        guard values.count == inputs.count else {
            throw RepOpsError(.invalidArgument, "record #\(index) has \(inputs.count) inputs; got \(values.count) values")
        }
        switch replay {
        case .leaf:
            return output
        case .gradSum:
            var g = values[0]
            for v in values.dropFirst() { g = try g.adding(v) }
            return g
        case let .function(f):
            return try f(values)
        case let .forward(op):
            let tape = Tape()
            let leaves = values.map { tape.variable($0) }
            let y = try tape.run(op.remapped(to: leaves))
            return tape.value(y)
        case let .vjp(op, slot):
            // Inputs: the forward op's inputs, its output, the output gradient.
            if case let .matmul(_, _, _, ta, tb) = op {
                // Only this slot's GEMM (the backward pass computes every slot's).
                guard (0...2).contains(slot), values.count >= 4 else {
                    throw RepOpsError(.invalidArgument, "record #\(index): matmul gradient slot \(slot) with \(values.count) values")
                }
                return try Tape.matmulGradient(slot: slot, values[0], values[1], values[values.count - 1], ta, tb)
            }
            let tape = Tape()
            let leaves = values.dropLast(2).map { tape.variable($0) }
            let node = tape.append(op.remapped(to: leaves), values[values.count - 2], needs: true)
            let grads = try tape.vectorJacobian(node.id, values[values.count - 1], only: slot)
            guard grads.indices.contains(slot), let g = grads[slot] else {
                throw RepOpsError(.invalidArgument, "record #\(index): slot \(slot) has no gradient")
            }
            return g
        }
    }
}

extension Tape {
    /// The trace input for the gradient of the parameter `name` after ``gradients(of:)`` on a
    /// traced tape (nil if none was traced).
    public func gradientReference(_ name: String) -> TraceInput? {
        named[name].flatMap { gradientTrace[$0.id] }.map { .op($0) }
    }

    /// Points the parameter's gradient reference at a later record (e.g. its clipped gradient).
    func setGradientReference(_ name: String, _ index: Int) {
        if let v = named[name] { gradientTrace[v.id] = index }
    }
}

/// Receives every op a traced ``Tape`` executes (forward ops, leaves, backward steps), in order.
/// RepOps itself depends on no commitment library: a sink hashes, streams or stores records.
public protocol TraceSink: AnyObject {
    /// Called once per executed op, in index order.
    func record(_ record: TraceRecord)
}

/// A sink that keeps every record in memory (tests, small disputes).
public final class TraceBuffer: TraceSink {
    /// Records so far.
    public private(set) var records: [TraceRecord] = []
    /// An empty buffer.
    public init() {}
    public func record(_ record: TraceRecord) { records.append(record) }
}

extension Tape.Op {
    /// The op with its (non-nil) inputs replaced, in slot order, by `vars`.
    func remapped(to vars: [Var]) -> Tape.Op {
        var it = vars.makeIterator()
        func n(_: Var) -> Var { it.next()! }
        func o(_ v: Var?) -> Var? { v.map(n) }
        switch self {
        case .leaf: return .leaf
        case let .matmul(a, b, bias, ta, tb):
            let a2 = n(a), b2 = n(b)
            return .matmul(a2, b2, bias: o(bias), transposeA: ta, transposeB: tb)
        case let .add(a, b): let a2 = n(a); return .add(a2, n(b))
        case let .sub(a, b): let a2 = n(a); return .sub(a2, n(b))
        case let .mul(a, b): let a2 = n(a); return .mul(a2, n(b))
        case let .div(a, b): let a2 = n(a); return .div(a2, n(b))
        case let .scale(a, s): return .scale(n(a), s)
        case let .unary(a, k): return .unary(n(a), k)
        case let .softmax(a): return .softmax(n(a))
        case let .logSoftmax(a): return .logSoftmax(n(a))
        case let .layerNorm(x, g, b, eps):
            let x2 = n(x), g2 = o(g)
            return .layerNorm(x2, gamma: g2, beta: o(b), eps: eps)
        case let .rmsNorm(x, w, eps): let x2 = n(x); return .rmsNorm(x2, weight: o(w), eps: eps)
        case let .embedding(t, idx): return .embedding(table: n(t), indices: idx)
        case let .attention(q, k, v, s):
            let q2 = n(q), k2 = n(k)
            return .attention(q2, k2, n(v), scale: s)
        case let .headAttention(q, k, v, h, s):
            let q2 = n(q), k2 = n(k)
            return .headAttention(q2, k2, n(v), heads: h, scale: s)
        case let .crossEntropy(a, t): return .crossEntropy(n(a), targets: t)
        case let .reshape(a, s): return .reshape(n(a), s)
        case let .transpose(a, p): return .transpose(n(a), p)
        case let .sum(a): return .sum(n(a))
        }
    }

    var kind: String {
        switch self {
        case .leaf: return "leaf"
        case .matmul: return "matmul"
        case .add: return "add"
        case .sub: return "sub"
        case .mul: return "mul"
        case .div: return "div"
        case .scale: return "scale"
        case let .unary(_, k): return "\(k)"
        case .softmax: return "softmax"
        case .logSoftmax: return "logSoftmax"
        case .layerNorm: return "layerNorm"
        case .rmsNorm: return "rmsNorm"
        case .embedding: return "embedding"
        case .attention: return "causalAttention"
        case .headAttention: return "multiHeadCausalAttention"
        case .crossEntropy: return "crossEntropy"
        case .reshape: return "reshape"
        case .transpose: return "transpose"
        case .sum: return "sum"
        }
    }

    var attributes: String {
        switch self {
        case let .matmul(_, _, bias, ta, tb): return "transposeA=\(ta) transposeB=\(tb) bias=\(bias != nil)"
        case let .scale(_, s): return "factor=\(s.bitPattern)"
        case let .layerNorm(_, g, b, eps): return "eps=\(eps.bitPattern) gamma=\(g != nil) beta=\(b != nil)"
        case let .rmsNorm(_, w, eps): return "eps=\(eps.bitPattern) weight=\(w != nil)"
        case let .embedding(_, idx): return "indices=\(idx)"
        case let .attention(_, _, _, s): return "scale=\(s.bitPattern)"
        case let .headAttention(_, _, _, h, s): return "heads=\(h) scale=\(s.bitPattern)"
        case let .crossEntropy(_, t): return "targets=\(t)"
        case let .transpose(_, p): return "permutation=\(p)"
        case let .reshape(_, s): return "shape=\(s)"
        default: return ""
        }
    }
}

extension Tape {
    /// Records `op` again on this tape (replay of a traced forward op).
    func run(_ op: Op) throws(RepOpsError) -> Var {
        switch op {
        case .leaf: throw RepOpsError(.invalidArgument, "a leaf has no computation to replay")
        case let .matmul(a, b, bias, ta, tb): return try matmul(a, b, transposeA: ta, transposeB: tb, bias: bias)
        case let .add(a, b): return try add(a, b)
        case let .sub(a, b): return try sub(a, b)
        case let .mul(a, b): return try mul(a, b)
        case let .div(a, b): return try div(a, b)
        case let .scale(a, s): return try scale(a, s)
        case let .unary(a, k): return try unary(a, k)
        case let .softmax(a): return try softmax(a)
        case let .logSoftmax(a): return try logSoftmax(a)
        case let .layerNorm(x, g, b, eps): return try layerNorm(x, gamma: g, beta: b, eps: eps)
        case let .rmsNorm(x, w, eps): return try rmsNorm(x, weight: w, eps: eps)
        case let .embedding(t, idx): return try embedding(t, idx)
        case let .attention(q, k, v, s): return try causalAttention(query: q, key: k, value: v, scale: s)
        case let .headAttention(q, k, v, h, s): return try multiHeadCausalAttention(query: q, key: k, value: v, heads: h, scale: s)
        case let .crossEntropy(a, t): return try crossEntropy(a, targets: t)
        case let .reshape(a, s): return try reshape(a, s)
        case let .transpose(a, p): return try transpose(a, p)
        case let .sum(a): return try sum(a)
        }
    }
}
