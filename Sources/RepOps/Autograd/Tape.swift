/// A value recorded on a ``Tape``: the index of the op that produced it.
public struct Var: Hashable, Sendable, CustomStringConvertible {
    /// Op index on the tape (0-based, in recording order).
    public let id: Int
    public var description: String { "Var(\(id))" }
}

/// Reverse-mode automatic differentiation over RepOps ops.
///
/// Every op call records one node (its inputs, attributes and output value) and returns a ``Var``.
/// ``gradients(of:)`` walks the nodes in reverse index order and applies each op's
/// vector-Jacobian product with RepOps kernels only (canonical GEMM and reductions), so gradients
/// are bitwise identical for every thread count and ISA. When a value feeds several ops, its
/// gradient contributions are summed in increasing (consumer op index, input slot) order:
/// `g = c₀; g = g + c₁; …` (Docs/RepOps.md, "Autograd").
///
/// ```swift
/// let tape = Tape()
/// let x = tape.variable(try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
/// let w = tape.variable(try Tensor.randomNormal(shape: [3, 2], seed: 1))
/// let loss = try tape.sum(try tape.matmul(x, w))
/// let grads = try tape.gradients(of: loss)
/// print(grads[w]!)                    // xᵀ · 1
/// ```
///
/// A tape is a mutable, single-threaded recorder (one per training step); it is not `Sendable`.
public final class Tape {
    enum Unary: Sendable { case relu, gelu, silu, tanh, sigmoid }

    enum Op {
        case leaf
        case matmul(Var, Var, bias: Var?, transposeA: Bool, transposeB: Bool)
        case add(Var, Var), sub(Var, Var), mul(Var, Var), div(Var, Var)
        case scale(Var, Float)
        case unary(Var, Unary)
        case softmax(Var), logSoftmax(Var)
        case layerNorm(Var, gamma: Var?, beta: Var?, eps: Float)
        case rmsNorm(Var, weight: Var?, eps: Float)
        case embedding(table: Var, indices: [Int])
        case attention(Var, Var, Var, scale: Float)
        case headAttention(Var, Var, Var, heads: Int, scale: Float)
        case crossEntropy(Var, targets: [Int])
        case reshape(Var, [Int]), transpose(Var, [Int])
        case sum(Var)

        var inputs: [Var?] {
            switch self {
            case .leaf: return []
            case let .matmul(a, b, bias, _, _): return [a, b, bias]
            case let .add(a, b), let .sub(a, b), let .mul(a, b), let .div(a, b): return [a, b]
            case let .scale(a, _), let .unary(a, _), let .softmax(a), let .logSoftmax(a),
                let .reshape(a, _), let .transpose(a, _), let .sum(a), let .crossEntropy(a, _):
                return [a]
            case let .layerNorm(x, g, b, _): return [x, g, b]
            case let .rmsNorm(x, w, _): return [x, w]
            case let .embedding(t, _): return [t]
            case let .attention(q, k, v, _), let .headAttention(q, k, v, _, _): return [q, k, v]
            }
        }
    }

    /// Output value of every recorded op, by op index.
    public private(set) var values: [Tensor] = []
    var ops: [Op] = []
    /// Whether a gradient flows to this value (a trainable leaf, or any input needs one).
    var needsGrad: [Bool] = []
    /// Named leaves registered with ``parameter(_:_:)``.
    var named: [String: Var] = [:]

    /// Receives a record per executed op when set (``TraceSink``); nil: no tracing, no cost.
    public let traceSink: (any TraceSink)?
    /// Trace index of each op's output (only while tracing).
    var traceIndex: [Int] = []
    var traceCount = 0
    var leafNames: [Int: String] = [:]
    /// Trace index of each leaf's final gradient (only while tracing).
    var gradientTrace: [Int: Int] = [:]
    /// Chunk digests of the last few large traced outputs (``traceDigest(_:)``).
    var recentChunkDigests: [(tensor: Tensor, chunks: [UInt8])] = []
    /// Hashes outputs in the background (``init(traceSink:digestsInBackground:)``); nil: inline.
    let traceDigester: TraceDigester?
    /// Records waiting for their background digest, from `pendingHead` on, in index order.
    var pendingRecords: [PendingTraceRecord] = []
    var pendingHead = 0

    /// Fault injection (Verde's adversarial trainers): set when the sink also filters outputs.
    let outputFilter: (any TraceOutputFilter)?

    /// An empty tape; with `traceSink`, every op (forward, backward) is reported to it.
    public init(traceSink: (any TraceSink)? = nil) {
        self.traceSink = traceSink
        outputFilter = traceSink as? any TraceOutputFilter
        traceDigester = nil
    }

    /// A tape whose trace digests are computed on a background thread while the next ops run, so
    /// tracing overlaps computing. Records reach `traceSink` in index order, but possibly later
    /// than the op that produced them: ``flushTrace()`` delivers the rest (so does releasing the
    /// tape). With a fault-injecting sink, digests stay inline (its filter sees ops in order).
    public init(traceSink: any TraceSink, digestsInBackground: Bool) {
        self.traceSink = traceSink
        outputFilter = traceSink as? any TraceOutputFilter
        traceDigester = digestsInBackground && outputFilter == nil ? TraceDigester() : nil
    }

    deinit { flushTrace() }

    /// Number of recorded ops.
    public var count: Int { values.count }

    /// The value of `v`.
    public func value(_ v: Var) -> Tensor { values[v.id] }

    /// A leaf that receives a gradient.
    public func variable(_ t: Tensor) -> Var { append(.leaf, t, needs: true) }

    /// A leaf that receives no gradient (inputs, masks).
    public func constant(_ t: Tensor) -> Var { append(.leaf, t, needs: false) }

    /// A named trainable leaf; ``parameter(_:)`` finds it again.
    public func parameter(_ name: String, _ t: Tensor) -> Var {
        let v = append(.leaf, t, needs: true, name: name)
        named[name] = v
        return v
    }

    /// The leaf registered under `name`.
    public func parameter(_ name: String) throws(RepOpsError) -> Var {
        guard let v = named[name] else { throw RepOpsError(.invalidArgument, "no parameter named \(name) on this tape") }
        return v
    }

    func append(_ op: Op, _ t: Tensor, needs: Bool, name: String? = nil) -> Var {
        var t = t
        if let outputFilter, name == nil {
            t = outputFilter.filter(index: traceCount, output: t, inputs: op.inputs.compactMap { $0 }.map { values[$0.id] })
        }
        values.append(t)
        ops.append(op)
        needsGrad.append(needs)
        let v = Var(id: values.count - 1)
        if let name { leafNames[v.id] = name }
        if traceSink != nil {
            // Named parameters are checkpoint tensors: consumers reference them by name, so they
            // get no record of their own (index -1 is never referenced).
            if name != nil {
                traceIndex.append(-1)
            } else {
                let inputs = op.inputs.compactMap { $0 }.map(traceRef)
                traceIndex.append(emit(op.kind, op.attributes, inputs, t, { if case .leaf = op { return .leaf } else { return .forward(op) } }()))
            }
        }
        return v
    }

    /// A traced value as a trace input: a named parameter, or the record that produced it.
    func traceRef(_ v: Var) -> TraceInput {
        if let name = leafNames[v.id] { return .named(name) }
        return .op(traceIndex[v.id])
    }

    /// Sends one record to the sink; returns its trace index.
    func emit(_ kind: String, _ attributes: String, _ inputs: [TraceInput], _ output: Tensor, _ replay: TraceRecord.Replay) -> Int {
        let i = traceCount
        traceCount += 1
        deliver(PendingTraceRecord(index: i, kind: kind, attributes: attributes, inputs: inputs, output: output, replay: replay))
        return i
    }

    func check(_ vs: Var?...) throws(RepOpsError) {
        for case let v? in vs where v.id < 0 || v.id >= values.count {
            throw RepOpsError(.invalidArgument, "\(v) was not recorded on this tape")
        }
    }

    func record(_ op: Op, _ t: Tensor) -> Var {
        append(op, t, needs: op.inputs.contains { $0.map { needsGrad[$0.id] } ?? false })
    }
}

/// A trace sink that may replace forward op outputs before any later op reads them: Verde's
/// fault injection (an adversarial trainer flips a bit or skips an op). Only forward ops of a
/// traced tape pass through it; backward and optimizer records are reported unfiltered.
package protocol TraceOutputFilter: TraceSink {
    /// The value op `index` (its trace index) outputs instead of `output`; `inputs` are its input values.
    func filter(index: Int, output: Tensor, inputs: [Tensor]) -> Tensor
}

/// Gradients of a scalar with respect to the trainable leaves of a ``Tape``.
public struct Gradients: Sendable {
    var byID: [Int: Tensor]
    var names: [String: Int]

    /// The gradient of `v` (nil if no gradient reached it or it is not a trainable leaf).
    public subscript(_ v: Var) -> Tensor? { byID[v.id] }

    /// The gradient of the parameter registered under `name`.
    public subscript(name name: String) -> Tensor? { names[name].flatMap { byID[$0] } }
}
