/// Shape manipulation: reshape, transpose, slicing, concatenation and splitting. These move
/// elements without arithmetic, so they are exact.
extension Tensor {
    /// The same elements with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) throws(RepOpsError) -> Tensor {
        let n = try Tensor.elementCount(newShape)
        guard n == count else {
            throw RepOpsError(.shapeMismatch, "cannot reshape \(shape) (\(count) elements) to \(newShape) (\(n) elements)")
        }
        return Tensor(uncheckedShape: newShape, scalars: scalars)
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Axes permuted: result axis i is this tensor's axis `permutation[i]`.
    public func transposed(_ permutation: [Int]) throws(RepOpsError) -> Tensor {
        guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
            throw RepOpsError(.invalidArgument, "\(permutation) is not a permutation of the \(rank) axes")
        }
        let newShape = permutation.map { shape[$0] }
        let src = Tensor.strides(shape)
        let permStrides = permutation.map { src[$0] }
        var out = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        var offset = 0
        for i in 0..<count {
            out[i] = scalars[offset]
            // Advance the multi-index of the output in row-major order.
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                offset += permStrides[axis]
                if index[axis] < newShape[axis] { break }
                offset -= permStrides[axis] * newShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(uncheckedShape: newShape, scalars: out)
    }

    /// The last two axes swapped (a matrix transpose for rank 2).
    public func transposed() throws(RepOpsError) -> Tensor {
        guard rank >= 2 else { throw RepOpsError(.invalidArgument, "transposed() needs rank ≥ 2; got shape \(shape)") }
        var p = Array(0..<rank)
        p.swapAt(rank - 1, rank - 2)
        return try transposed(p)
    }

    /// (outer, axis length, inner) view of the shape around `axis`.
    func around(_ axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) throws(RepOpsError) -> Tensor {
        let a = try axisIndex(axis)
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            throw RepOpsError(.indexOutOfRange, "range \(range) is outside axis \(axis) of length \(shape[a])")
        }
        let (outer, length, inner) = around(a)
        var out: [Float] = []
        out.reserveCapacity(outer * range.count * inner)
        for o in 0..<outer {
            let base = (o * length + range.lowerBound) * inner
            out.append(contentsOf: scalars[base..<(base + range.count * inner)])
        }
        var newShape = shape
        newShape[a] = range.count
        return Tensor(uncheckedShape: newShape, scalars: out)
    }

    /// Tensors joined along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) throws(RepOpsError) -> Tensor {
        guard let first = tensors.first else { throw RepOpsError(.emptyTensor, "concatenate needs at least one tensor") }
        let a = try first.axisIndex(axis)
        for t in tensors {
            var s1 = t.shape, s0 = first.shape
            guard s1.count == s0.count else {
                throw RepOpsError(.shapeMismatch, "cannot concatenate shapes \(first.shape) and \(t.shape): ranks differ")
            }
            s1[a] = 0
            s0[a] = 0
            guard s1 == s0 else {
                throw RepOpsError(.shapeMismatch, "cannot concatenate shapes \(first.shape) and \(t.shape) along axis \(axis)")
            }
        }
        let outer = first.around(a).outer
        var out: [Float] = []
        out.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
        for o in 0..<outer {
            for t in tensors {
                let chunk = t.shape[a] * t.around(a).inner
                out.append(contentsOf: t.scalars[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        var newShape = first.shape
        newShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        return Tensor(uncheckedShape: newShape, scalars: out)
    }

    /// Pieces of the given sizes along `axis` (sizes must sum to the axis length).
    public func split(axis: Int, sizes: [Int]) throws(RepOpsError) -> [Tensor] {
        let a = try axisIndex(axis)
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[a] else {
            throw RepOpsError(.invalidArgument, "split sizes \(sizes) do not sum to axis length \(shape[a])")
        }
        var start = 0
        var parts: [Tensor] = []
        for s in sizes {
            parts.append(try slice(axis: a, start..<(start + s)))
            start += s
        }
        return parts
    }
}
