import CGensynRepOps

/// Elementwise ops (Docs/RepOps.md, "Elementwise ops"): each output element is one correctly
/// rounded operation (binary ops, `scale`) or a fixed operation sequence (activations).
extension Tensor {
    /// The numpy-style broadcast of two shapes.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws(RepOpsError) -> [Int] {
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw RepOpsError(.shapeMismatch, "shapes \(a) and \(b) do not broadcast (axis \(i): \(da) vs \(db))")
            }
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Strides of `shape` viewed as `target` (0 on broadcast axes).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let pad = target.count - shape.count
        return (0..<target.count).map { i in i < pad || shape[i - pad] == 1 ? 0 : own[i - pad] }
    }

    func binary(_ other: Tensor, _ name: String, _ op: (Float, Float) -> Float) throws(RepOpsError) -> Tensor {
        if shape == other.shape {
            var out = scalars
            other.scalars.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in for i in 0..<o.count { o[i] = op(o[i], b[i]) } }
            }
            return Tensor(uncheckedShape: shape, scalars: out)
        }
        let target: [Int]
        do { target = try Tensor.broadcastShape(shape, other.shape) } catch {
            throw RepOpsError(.shapeMismatch, "\(name): \(error.message)")
        }
        let n = target.reduce(1, *)
        let sa = Tensor.broadcastStrides(shape, to: target), sb = Tensor.broadcastStrides(other.shape, to: target)
        var out = [Float](repeating: 0, count: n)
        var index = [Int](repeating: 0, count: target.count)
        var ia = 0, ib = 0
        for i in 0..<n {
            out[i] = op(scalars[ia], other.scalars[ib])
            var axis = target.count - 1
            while axis >= 0 {
                index[axis] += 1
                ia += sa[axis]
                ib += sb[axis]
                if index[axis] < target[axis] { break }
                ia -= sa[axis] * target[axis]
                ib -= sb[axis] * target[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(uncheckedShape: target, scalars: out)
    }

    /// `self + other`, broadcasting.
    public func adding(_ other: Tensor) throws(RepOpsError) -> Tensor { try binary(other, "add") { $0 + $1 } }
    /// `self − other`, broadcasting.
    public func subtracting(_ other: Tensor) throws(RepOpsError) -> Tensor { try binary(other, "sub") { $0 - $1 } }
    /// `self × other`, broadcasting.
    public func multiplying(_ other: Tensor) throws(RepOpsError) -> Tensor { try binary(other, "mul") { $0 * $1 } }
    /// `self ÷ other`, broadcasting.
    public func dividing(_ other: Tensor) throws(RepOpsError) -> Tensor { try binary(other, "div") { $0 / $1 } }

    /// Every element times `factor` (one rounding each).
    public func scaled(by factor: Float) -> Tensor {
        var out = scalars
        for i in out.indices { out[i] = out[i] * factor }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    func unary(_ op: gensyn_unary) -> Tensor {
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                if let xb = x.baseAddress, let yb = y.baseAddress { gensyn_unary_f32(op, xb, yb, x.count) }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    /// `x` if `x > 0`, NaN for NaN, else +0.
    public func relu() -> Tensor { unary(GENSYN_UNARY_RELU) }
    /// RepOps' `sigmoid`.
    public func sigmoid() -> Tensor { unary(GENSYN_UNARY_SIGMOID) }
    /// RepOps' `tanh`.
    public func tanh() -> Tensor { unary(GENSYN_UNARY_TANH) }
    /// RepOps' `exp`.
    public func exp() -> Tensor { unary(GENSYN_UNARY_EXP) }
    /// RepOps' `erf`.
    public func erf() -> Tensor { unary(GENSYN_UNARY_ERF) }
    /// RepOps' `log`.
    public func log() -> Tensor { unary(GENSYN_UNARY_LOG) }
    /// `x * sigmoid(x)`.
    public func silu() -> Tensor { unary(GENSYN_UNARY_SILU) }
    /// GELU, erf form: `(0.5 x)(1 + erf(x/√2))`.
    public func gelu() -> Tensor { unary(GENSYN_UNARY_GELU) }
    /// GELU, tanh approximation: `(0.5 x)(1 + tanh(√(2/π)(x + 0.044715 x³)))`.
    public func geluTanh() -> Tensor { unary(GENSYN_UNARY_GELU_TANH) }
}
