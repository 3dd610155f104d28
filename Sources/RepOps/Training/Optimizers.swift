import CGensynRepOps

/// Plain SGD with optional momentum (Docs/RepOps.md, "Optimizers"). Per element:
/// `buf = momentum * buf + g` (`buf = g` on the first step; no buffer when momentum is 0),
/// `p = p − lr * buf`.
public struct SGD: Sendable, Equatable {
    /// Momentum factor (0: none).
    public var momentum: Float
    /// Momentum buffers by parameter name.
    public private(set) var buffers = ParameterSet()

    /// An SGD optimizer.
    public init(momentum: Float = 0) { self.momentum = momentum }

    /// Updates `parameters` in place with `gradients` (same names and shapes) at rate `lr`.
    public mutating func step(_ parameters: inout ParameterSet, _ gradients: ParameterSet, lr: Float) throws(RepOpsError) {
        for name in parameters.names {
            let (p, g) = try pair(parameters, gradients, name)
            var d = g.scalars
            if momentum != 0 {
                if let b = buffers[name] { for i in d.indices { d[i] = momentum * b.scalars[i] + d[i] } }
                buffers[name] = Tensor(uncheckedShape: g.shape, scalars: d)
            }
            var out = p.scalars
            for i in out.indices { out[i] = out[i] - lr * d[i] }
            parameters[name] = Tensor(uncheckedShape: p.shape, scalars: out)
        }
    }
}

func pair(_ parameters: ParameterSet, _ gradients: ParameterSet, _ name: String) throws(RepOpsError) -> (Tensor, Tensor) {
    let p = parameters[name]!
    guard let g = gradients[name], g.shape == p.shape else {
        throw RepOpsError(.shapeMismatch, "gradient for \(name) is missing or does not have shape \(p.shape)")
    }
    return (p, g)
}

/// AdamW (Loshchilov & Hutter): Adam with bias correction and decoupled weight decay
/// (Docs/RepOps.md, "Optimizers"). State: step count, β₁ᵗ and β₂ᵗ (running products), and the
/// first/second moments per parameter.
public struct AdamW: Sendable, Equatable {
    /// Hyper-parameters.
    public var beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    /// Steps taken.
    public internal(set) var step = 0
    /// β₁ᵗ and β₂ᵗ after `step` steps (products of Float multiplications, never `pow`).
    public internal(set) var beta1Power: Float = 1, beta2Power: Float = 1
    /// First and second moments by parameter name.
    public internal(set) var m = ParameterSet(), v = ParameterSet()

    /// An AdamW optimizer. Weight decay applies to parameters of rank ≥ 2 only (not to biases,
    /// norms' weights).
    public init(beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }

    /// One update of every parameter at rate `lr`, in canonical name order. Per element:
    /// `m = β₁·m + (1−β₁)·g`; `v = β₂·v + ((1−β₂)·g)·g`; `m̂ = m / (1−β₁ᵗ)`; `v̂ = v / (1−β₂ᵗ)`;
    /// `p = p · (1 − lr·wd)` (rank ≥ 2); `p = p − lr · (m̂ / (sqrt(v̂) + eps))`.
    public mutating func step(
        _ parameters: inout ParameterSet, _ gradients: ParameterSet, lr: Float, trace: Tape? = nil
    ) throws(RepOpsError) {
        for name in parameters.names { _ = try pair(parameters, gradients, name) }
        step += 1
        beta1Power = beta1Power * beta1
        beta2Power = beta2Power * beta2
        let c1 = 1 - beta1Power, c2 = 1 - beta2Power
        let (b1, b2, eps) = (beta1, beta2, self.eps)
        for name in parameters.names {
            let p = parameters[name]!, g = gradients[name]!
            let zeros = Tensor(uncheckedShape: p.shape, scalars: [Float](repeating: 0, count: p.count))
            let m0 = m[name] ?? zeros, v0 = v[name] ?? zeros
            let decay: Float = p.rank >= 2 ? 1 - lr * weightDecay : 1
            let m1 = AdamW.firstMoment(m0, g, b1), v1 = AdamW.secondMoment(v0, g, b2)
            let p1 = AdamW.update(p, m1, v1, c1, c2, lr, decay, eps)
            if let trace, trace.traceSink != nil {
                let gRef = trace.gradientReference(name) ?? .named("grad/\(name)")
                let mi = trace.emit("adamw.m", "beta1=\(b1.bitPattern)", [.named("adamw.m/\(name)"), gRef], m1, .function { x throws(RepOpsError) in AdamW.firstMoment(x[0], x[1], b1) })
                let vi = trace.emit("adamw.v", "beta2=\(b2.bitPattern)", [.named("adamw.v/\(name)"), gRef], v1, .function { x throws(RepOpsError) in AdamW.secondMoment(x[0], x[1], b2) })
                _ = trace.emit(
                    "adamw.p", "c1=\(c1.bitPattern) c2=\(c2.bitPattern) lr=\(lr.bitPattern) decay=\(decay.bitPattern) eps=\(eps.bitPattern)",
                    [.named(name), .op(mi), .op(vi)], p1,
                    .function { x throws(RepOpsError) in AdamW.update(x[0], x[1], x[2], c1, c2, lr, decay, eps) })
            }
            m[name] = m1
            v[name] = v1
            parameters[name] = p1
        }
    }

    /// `m = β₁·m + (1−β₁)·g` per element.
    static func firstMoment(_ m: Tensor, _ g: Tensor, _ beta1: Float) -> Tensor {
        let a1 = 1 - beta1
        return m.zipMap(g) { mi, gi in beta1 * mi + a1 * gi }
    }

    /// `v = β₂·v + ((1−β₂)·g)·g` per element.
    static func secondMoment(_ v: Tensor, _ g: Tensor, _ beta2: Float) -> Tensor {
        let a2 = 1 - beta2
        return v.zipMap(g) { vi, gi in beta2 * vi + (a2 * gi) * gi }
    }

    /// `p = p·decay` (when decay ≠ 1), then `p = p − lr·((m/c₁) / (sqrt(v/c₂) + eps))` per element.
    static func update(_ p: Tensor, _ m: Tensor, _ v: Tensor, _ c1: Float, _ c2: Float, _ lr: Float, _ decay: Float, _ eps: Float) -> Tensor {
        var out = p.scalars
        for i in out.indices {
            let mHat = m.scalars[i] / c1, vHat = v.scalars[i] / c2
            if decay != 1 { out[i] = out[i] * decay }
            out[i] = out[i] - lr * (mHat / (vHat.squareRoot() + eps))
        }
        return Tensor(uncheckedShape: p.shape, scalars: out)
    }
}

extension ParameterSet {
    /// Global L2 norm: `sqrt(total)` where `total` adds, in canonical name order from +0, each
    /// tensor's canonical `sumsq(x, +0)`.
    public var globalNorm: Float { ParameterSet.globalNorm(of: names.map { tensors[$0]! }) }

    /// The global norm of `tensors` in the given order.
    static func globalNorm(of tensors: [Tensor]) -> Float {
        var total: Float = 0
        for t in tensors where t.count > 0 {
            total = total + t.scalars.withUnsafeBufferPointer { gensyn_sumsq_f32($0.baseAddress!, $0.count, 0) }
        }
        return total.squareRoot()
    }

    /// Global-norm clipping: if `globalNorm > maxNorm`, every element becomes
    /// `x * (maxNorm / globalNorm)`; returns the clipped set and the norm before clipping.
    ///
    /// With a traced `trace` tape (after ``Tape/gradients(of:)``, this set holding its parameter
    /// gradients) the norm is recorded as `globalNorm` (inputs: the gradients in name order) and
    /// each clipped gradient as `clip` (inputs: gradient, norm); later ``AdamW`` records use them.
    public func clippedByGlobalNorm(_ maxNorm: Float, trace: Tape? = nil) -> (ParameterSet, norm: Float) {
        let order = names
        let norm = globalNorm
        var normRef: Int?
        if let trace, trace.traceSink != nil {
            let refs = order.map { trace.gradientReference($0) ?? .named("grad/\($0)") }
            normRef = trace.emit("globalNorm", "", refs, Tensor(scalar: norm), .function { x throws(RepOpsError) in Tensor(scalar: ParameterSet.globalNorm(of: x)) })
        }
        guard norm > maxNorm, norm.isFinite else { return (self, norm) }
        let factor = maxNorm / norm
        var out = ParameterSet()
        for name in order {
            let c = tensors[name]!.scaled(by: factor)
            out[name] = c
            if let trace, let normRef {
                let ref = trace.gradientReference(name) ?? .named("grad/\(name)")
                let i = trace.emit("clip", "maxNorm=\(maxNorm.bitPattern)", [ref, .op(normRef)], c, .function { x throws(RepOpsError) in
                    x[0].scaled(by: maxNorm / x[1].scalars[0])
                })
                trace.setGradientReference(name, i)
            }
        }
        return (out, norm)
    }
}
