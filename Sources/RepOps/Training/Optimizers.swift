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
    public mutating func step(_ parameters: inout ParameterSet, _ gradients: ParameterSet, lr: Float) throws(RepOpsError) {
        for name in parameters.names { _ = try pair(parameters, gradients, name) }
        step += 1
        beta1Power = beta1Power * beta1
        beta2Power = beta2Power * beta2
        let c1 = 1 - beta1Power, c2 = 1 - beta2Power
        let a1 = 1 - beta1, a2 = 1 - beta2
        for name in parameters.names {
            let p = parameters[name]!, g = gradients[name]!
            var mm = m[name]?.scalars ?? [Float](repeating: 0, count: p.count)
            var vv = v[name]?.scalars ?? [Float](repeating: 0, count: p.count)
            var out = p.scalars
            let decay = p.rank >= 2 ? 1 - lr * weightDecay : 1
            for i in out.indices {
                let gi = g.scalars[i]
                mm[i] = beta1 * mm[i] + a1 * gi
                vv[i] = beta2 * vv[i] + (a2 * gi) * gi
                let mHat = mm[i] / c1, vHat = vv[i] / c2
                if p.rank >= 2 { out[i] = out[i] * decay }
                out[i] = out[i] - lr * (mHat / (vHat.squareRoot() + eps))
            }
            m[name] = Tensor(uncheckedShape: p.shape, scalars: mm)
            v[name] = Tensor(uncheckedShape: p.shape, scalars: vv)
            parameters[name] = Tensor(uncheckedShape: p.shape, scalars: out)
        }
    }
}

extension ParameterSet {
    /// Global L2 norm: `sqrt(total)` where `total` adds, in canonical name order from +0, each
    /// tensor's canonical `sumsq(x, +0)`.
    public var globalNorm: Float {
        var total: Float = 0
        for name in names {
            let t = tensors[name]!
            if t.count > 0 { total = total + t.scalars.withUnsafeBufferPointer { gensyn_sumsq_f32($0.baseAddress!, $0.count, 0) } }
        }
        return total.squareRoot()
    }

    /// Global-norm clipping: if `globalNorm > maxNorm`, every element becomes
    /// `x * (maxNorm / globalNorm)`; returns the clipped set and the norm before clipping.
    public func clippedByGlobalNorm(_ maxNorm: Float) -> (ParameterSet, norm: Float) {
        let norm = globalNorm
        guard norm > maxNorm, norm.isFinite else { return (self, norm) }
        let factor = maxNorm / norm
        return (ParameterSet(tensors.mapValues { $0.scaled(by: factor) }), norm)
    }
}
