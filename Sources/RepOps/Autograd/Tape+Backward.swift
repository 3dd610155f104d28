import CGensynRepOps

/// The backward pass (Docs/RepOps.md, "Autograd"). Every vector-Jacobian product is a fixed
/// sequence of RepOps ops: canonical GEMMs, canonical sums, and elementwise roundings.
extension Tape {
    /// Gradients of the one-element value `loss` (seeded with 1) for every trainable leaf it
    /// depends on. Nodes are visited in decreasing op index; a value's contributions are summed
    /// in increasing (consumer op index, input slot) order before its own node is visited.
    public func gradients(of loss: Var) throws(RepOpsError) -> Gradients {
        try check(loss)
        guard value(loss).count == 1 else {
            throw RepOpsError(.invalidArgument, "gradients(of:) needs a one-element loss; got shape \(value(loss).shape)")
        }
        // Each contribution carries its trace index (-1 when not tracing).
        var pending: [Int: [(consumer: Int, slot: Int, g: Tensor, trace: Int)]] = [:]
        let seed = try Tensor(shape: value(loss).shape, repeating: 1)
        let seedTrace = traceSink == nil ? -1 : emit("leaf", "gradient seed", [], seed, .leaf)
        pending[loss.id] = [(Int.max, 0, seed, seedTrace)]
        var result: [Int: Tensor] = [:]
        for i in stride(from: loss.id, through: 0, by: -1) {
            guard needsGrad[i], let contributions = pending.removeValue(forKey: i) else { continue }
            let ordered = contributions.sorted { ($0.consumer, $0.slot) < ($1.consumer, $1.slot) }
            var g = ordered[0].g
            for c in ordered.dropFirst() { g = try g.adding(c.g) }
            var gTrace = ordered[0].trace
            if traceSink != nil && ordered.count > 1 {
                gTrace = emit("gradSum", "", ordered.map { .op($0.trace) }, g, .gradSum)
            }
            if case .leaf = ops[i] {
                result[i] = g
                if gTrace >= 0 { gradientTrace[i] = gTrace }
                continue
            }
            let grads = try vectorJacobian(i, g)
            for (slot, input) in ops[i].inputs.enumerated() {
                if let input, needsGrad[input.id], let gi = grads[slot] {
                    var trace = -1
                    if traceSink != nil {
                        let refs = ops[i].inputs.compactMap { $0 }.map(traceRef) + [.op(traceIndex[i]), .op(gTrace)]
                        trace = emit("vjp.\(ops[i].kind).\(slot)", ops[i].attributes, refs, gi, .vjp(ops[i], slot: slot))
                    }
                    pending[input.id, default: []].append((i, slot, gi, trace))
                }
            }
        }
        return Gradients(byID: result, names: named.mapValues(\.id))
    }

    /// Input gradients of node `i` given its output gradient `g` (one entry per input slot).
    /// `only`: a referee replaying one slot; attention then computes just that slot's GEMMs
    /// (other slots may be nil). Each slot's value is the same either way.
    func vectorJacobian(_ i: Int, _ g: Tensor, only: Int? = nil) throws(RepOpsError) -> [Tensor?] {
        let y = values[i]
        switch ops[i] {
        case .leaf:
            return []
        case let .matmul(a, b, bias, ta, tb):
            let (da, db) = try matmulGradients(value(a), value(b), g, ta, tb)
            return [da, db, try bias.map { _ throws(RepOpsError) in try Tape.matmulGradient(slot: 2, value(a), value(b), g, ta, tb) }]
        case let .add(a, b):
            return [try g.reduced(to: value(a).shape), try g.reduced(to: value(b).shape)]
        case let .sub(a, b):
            return [try g.reduced(to: value(a).shape), try g.scaled(by: -1).reduced(to: value(b).shape)]
        case let .mul(a, b):
            return [try g.multiplying(value(b)).reduced(to: value(a).shape),
                    try g.multiplying(value(a)).reduced(to: value(b).shape)]
        case let .div(a, b):
            // d/da = g / b; d/db = −((g · y) / b) with y = a / b.
            let da = try g.dividing(value(b)).reduced(to: value(a).shape)
            let db = try g.multiplying(y).dividing(value(b)).scaled(by: -1).reduced(to: value(b).shape)
            return [da, db]
        case let .scale(_, s):
            return [g.scaled(by: s)]
        case let .unary(a, kind):
            return [unaryGradient(kind, value(a), y, g)]
        case .softmax:
            // dx = y · (g − Σ g·y) per row.
            let n = y.shape.last!, rows = y.count / n
            let dots = Tensor.rowSums(g.zipMap(y, *).scalars, rows: rows, n: n)
            var out = g.scalars
            for r in 0..<rows { for j in 0..<n { out[r * n + j] = y.scalars[r * n + j] * (g.scalars[r * n + j] - dots[r]) } }
            return [Tensor(uncheckedShape: y.shape, scalars: out)]
        case let .logSoftmax(a):
            // dx = g − softmax(x) · Σ g per row.
            let n = y.shape.last!, rows = y.count / n
            let p = try value(a).softmax()
            let sums = Tensor.rowSums(g.scalars, rows: rows, n: n)
            var out = g.scalars
            for r in 0..<rows { for j in 0..<n { out[r * n + j] = g.scalars[r * n + j] - p.scalars[r * n + j] * sums[r] } }
            return [Tensor(uncheckedShape: y.shape, scalars: out)]
        case let .layerNorm(x, gamma, beta, eps):
            return try layerNormGradients(value(x), gamma.map { value($0) }, hasBeta: beta != nil, eps, g)
        case let .rmsNorm(x, weight, eps):
            return try rmsNormGradients(value(x), weight.map { value($0) }, eps, g)
        case let .embedding(table, indices):
            // Scatter-add in increasing position order: G[idx[p]] = G[idx[p]] + g[p].
            let t = value(table)
            let d = t.shape[1]
            var out = [Float](repeating: 0, count: t.count)
            for (p, idx) in indices.enumerated() {
                for c in 0..<d { out[idx * d + c] = out[idx * d + c] + g.scalars[p * d + c] }
            }
            return [Tensor(uncheckedShape: t.shape, scalars: out)]
        case let .attention(q, k, v, s):
            return try attentionGradients(value(q), value(k), value(v), s, g, only: only)
        case let .headAttention(q, k, v, h, s):
            // The gradients of the split → attention → merge chain: split g, merge each result.
            let r = try attentionGradients(value(q).splitHeads(h), value(k).splitHeads(h), value(v).splitHeads(h), s, g.splitHeads(h), only: only)
            var out: [Tensor?] = []
            for d in r { out.append(try d.map { d throws(RepOpsError) in try d.mergeHeads() }) }
            return out
        case let .crossEntropy(logits, targets):
            // dx = (softmax(x) − onehot(t)) · (g / N).
            return [try value(logits).crossEntropyGradient(targets: targets, outputGradient: g.scalars[0])]
        case let .reshape(a, _):
            return [try g.reshaped(value(a).shape)]
        case let .transpose(_, perm):
            var inverse = perm
            for (i, p) in perm.enumerated() { inverse[p] = i }
            return [try g.transposed(inverse)]
        case let .sum(a):
            return [try Tensor(shape: value(a).shape, repeating: g.scalars[0])]
        }
    }

    func matmulGradients(_ a: Tensor, _ b: Tensor, _ g: Tensor, _ ta: Bool, _ tb: Bool) throws(RepOpsError) -> (Tensor, Tensor) {
        (try Tape.matmulGradient(slot: 0, a, b, g, ta, tb), try Tape.matmulGradient(slot: 1, a, b, g, ta, tb))
    }

    /// One input gradient of `y = op(a)·op(b) (+ bias)` for the output gradient `g`: slot 0 = dA,
    /// 1 = dB, 2 = d bias. The backward pass computes slots 0 and 1 with it; a single-op replay
    /// (a referee's) computes only the slot its record holds.
    static func matmulGradient(slot: Int, _ a: Tensor, _ b: Tensor, _ g: Tensor, _ ta: Bool, _ tb: Bool) throws(RepOpsError) -> Tensor {
        switch slot {
        case 0:
            switch (ta, tb) {
            case (false, false): return try g.matmul(b, transposeOther: true)
            case (false, true): return try g.matmul(b)
            case (true, false): return try b.matmul(g, transposeOther: true)
            case (true, true): return try b.matmul(g, transposeSelf: true, transposeOther: true)
            }
        case 1:
            // A batched `a` with a shared 2-D `b`: dB sums over the batch as one GEMM over b·M rows.
            let (a2, g2) = a.rank == 3 && b.rank == 2
                ? (try a.reshaped([a.count / a.shape[2], a.shape[2]]), try g.reshaped([g.count / g.shape[2], g.shape[2]]))
                : (a, g)
            switch (ta, tb) {
            case (false, false): return try a2.matmul(g2, transposeSelf: true)
            case (false, true): return try g2.matmul(a2, transposeSelf: true)
            case (true, false): return try a2.matmul(g2)
            case (true, true): return try g2.matmul(a2, transposeSelf: true, transposeOther: true)
            }
        default:
            return try g.reduced(to: [g.shape.last!])
        }
    }

    func unaryGradient(_ kind: Unary, _ x: Tensor, _ y: Tensor, _ g: Tensor) -> Tensor {
        switch kind {
        case .relu:
            return g.zipMap(x) { gi, xi in xi > 0 ? gi : 0 }
        case .tanh:
            return g.zipMap(y) { gi, yi in gi * (1 - yi * yi) }
        case .sigmoid:
            return g.zipMap(y) { gi, yi in gi * (yi * (1 - yi)) }
        case .silu:
            let s = x.sigmoid()
            var out = g.scalars
            for i in out.indices { out[i] = out[i] * (s.scalars[i] * (1 + x.scalars[i] * (1 - s.scalars[i]))) }
            return Tensor(uncheckedShape: x.shape, scalars: out)
        case .gelu:
            // gelu'(x) = 0.5·(1 + erf(x/√2)) + (x · exp(−x²/2)) · (1/√(2π)).
            let t = x.scaled(by: 0x1.6a09e6p-1).erf()
            let e = x.zipMap(x, *).scaled(by: -0.5).exp()
            var out = g.scalars
            for i in out.indices {
                let d = 0.5 * (1 + t.scalars[i]) + (x.scalars[i] * e.scalars[i]) * 0.398942280
                out[i] = out[i] * d
            }
            return Tensor(uncheckedShape: x.shape, scalars: out)
        }
    }

    func layerNormGradients(_ x: Tensor, _ gamma: Tensor?, hasBeta: Bool, _ eps: Float, _ g: Tensor) throws(RepOpsError) -> [Tensor?] {
        // Per row: mean, var, r as in the forward; x̂ = (x − mean)·r; h = g·γ (or g);
        // dx = r · ((h − Σh/n) − x̂ · (Σ(h·x̂)/n)).
        let n = x.shape.last!, rows = x.count / n
        let nf = Float(n)
        var xhat = [Float](repeating: 0, count: x.count), dx = xhat, h = g.scalars
        x.scalars.withUnsafeBufferPointer { px in
            for r in 0..<rows {
                let row = px.baseAddress! + r * n
                let mean = gensyn_sum_f32(row, n) / nf
                let variance = gensyn_sumsq_f32(row, n, mean) / nf
                let rs = 1 / (variance + eps).squareRoot()
                for j in 0..<n {
                    xhat[r * n + j] = (row[j] - mean) * rs
                    if let gamma { h[r * n + j] = h[r * n + j] * gamma.scalars[j] }
                }
                let hSum = h.withUnsafeBufferPointer { gensyn_sum_f32($0.baseAddress! + r * n, n) } / nf
                var hx = [Float](repeating: 0, count: n)
                for j in 0..<n { hx[j] = h[r * n + j] * xhat[r * n + j] }
                let hxSum = gensyn_sum_f32(hx, n) / nf
                for j in 0..<n { dx[r * n + j] = rs * ((h[r * n + j] - hSum) - xhat[r * n + j] * hxSum) }
            }
        }
        let xh = Tensor(uncheckedShape: x.shape, scalars: xhat)
        let dGamma = gamma == nil ? nil : try g.zipMap(xh, *).reduced(to: [n])
        let dBeta = hasBeta ? try g.reduced(to: [n]) : nil
        return [Tensor(uncheckedShape: x.shape, scalars: dx), dGamma, dBeta]
    }

    func rmsNormGradients(_ x: Tensor, _ weight: Tensor?, _ eps: Float, _ g: Tensor) throws(RepOpsError) -> [Tensor?] {
        // Per row: r = 1/sqrt(Σx²/n + eps); h = g·w (or g); dx = r · (h − x · ((r·r) · (Σ(h·x)/n))).
        let n = x.shape.last!, rows = x.count / n
        let nf = Float(n)
        var xr = [Float](repeating: 0, count: x.count), dx = xr
        x.scalars.withUnsafeBufferPointer { px in
            for r in 0..<rows {
                let row = px.baseAddress! + r * n
                let rs = 1 / (gensyn_sumsq_f32(row, n, 0) / nf + eps).squareRoot()
                var hx = [Float](repeating: 0, count: n), h = hx
                for j in 0..<n {
                    xr[r * n + j] = row[j] * rs
                    h[j] = weight.map { g.scalars[r * n + j] * $0.scalars[j] } ?? g.scalars[r * n + j]
                    hx[j] = h[j] * row[j]
                }
                let c = (rs * rs) * (gensyn_sum_f32(hx, n) / nf)
                for j in 0..<n { dx[r * n + j] = rs * (h[j] - row[j] * c) }
            }
        }
        let dWeight = weight == nil ? nil : try g.zipMap(Tensor(uncheckedShape: x.shape, scalars: xr), *).reduced(to: [n])
        return [Tensor(uncheckedShape: x.shape, scalars: dx), dWeight]
    }

    func attentionGradients(_ q: Tensor, _ k: Tensor, _ v: Tensor, _ s: Float, _ g: Tensor, only: Int? = nil) throws(RepOpsError) -> [Tensor?] {
        // Recompute P exactly as the forward, then dV = Pᵀ·dO, dP = dO·Vᵀ,
        // dS = P · (dP − Σ dP·P) (row sums over all T columns; masked P are +0), dS ·= scale,
        // dQ = dS·K, dK = dSᵀ·Q — all canonical GEMMs per head.
        let t = q.shape[q.rank - 2], d = q.shape[q.rank - 1], heads = q.count / (t * d)
        let q3 = try q.reshaped([heads, t, d]), k3 = try k.reshaped([heads, t, d])
        let v3 = try v.reshaped([heads, t, d]), g3 = try g.reshaped([heads, t, d])
        var p = try q3.matmul(k3, transposeOther: true).scaled(by: s)
        p.scalars.withUnsafeMutableBufferPointer { sc in
            for h in 0..<heads { gensyn_causal_softmax_f32(sc.baseAddress! + h * t * t, t) }
        }
        let dv = only == nil || only == 2 ? try p.matmul(g3, transposeSelf: true).reshaped(v.shape) : nil
        guard only != 2 else { return [nil, nil, dv] }
        let dp = try g3.matmul(v3, transposeOther: true)
        let dots = Tensor.rowSums(dp.zipMap(p, *).scalars, rows: heads * t, n: t)
        var ds = dp.scalars
        for i in ds.indices { ds[i] = (p.scalars[i] * (ds[i] - dots[i / t])) * s }
        let dsT = Tensor(uncheckedShape: p.shape, scalars: ds)
        let dq = only == nil || only == 0 ? try dsT.matmul(k3).reshaped(q.shape) : nil
        let dk = only == nil || only == 1 ? try dsT.matmul(q3, transposeSelf: true).reshaped(k.shape) : nil
        return [dq, dk, dv]
    }
}
