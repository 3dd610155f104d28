import GensynPrimitives

/// A dense fp32 tensor: a shape and row-major contiguous scalars.
///
/// A value type with copy-on-write storage (`[Float]`), so it is cheap to pass and `Sendable`.
/// Every operation validates its input and throws ``RepOpsError`` rather than trapping.
///
/// ```swift
/// let x = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
/// let y = try x.matmul(x)            // [[7, 10], [15, 22]]
/// ```
///
/// Equality (`==`) compares shapes and bit patterns (so `NaN == NaN` when bits match and
/// `0 != -0`): RepOps is about identical bits.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// Dimensions, outermost first. `[]` is a scalar (one element).
    public private(set) var shape: [Int]
    /// Elements in row-major order; `count == shape.reduce(1, *)`.
    public internal(set) var scalars: [Float]

    /// A tensor from `scalars` in row-major order.
    public init(shape: [Int], scalars: [Float]) throws(RepOpsError) {
        let count = try Tensor.elementCount(shape)
        guard count == scalars.count else {
            throw RepOpsError(.invalidShape, "shape \(shape) holds \(count) elements but \(scalars.count) were given")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Internal: caller guarantees `scalars.count == product(shape)`.
    init(uncheckedShape shape: [Int], scalars: [Float]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// A 1-D tensor.
    public init(_ scalars: [Float]) {
        self.init(uncheckedShape: [scalars.count], scalars: scalars)
    }

    /// A rank-0 tensor holding one value.
    public init(scalar: Float) {
        self.init(uncheckedShape: [], scalars: [scalar])
    }

    /// A tensor with every element equal to `value`.
    public init(shape: [Int], repeating value: Float) throws(RepOpsError) {
        let count = try Tensor.elementCount(shape)
        self.init(uncheckedShape: shape, scalars: [Float](repeating: value, count: count))
    }

    /// Zeros (+0).
    public static func zeros(_ shape: [Int]) throws(RepOpsError) -> Tensor {
        try Tensor(shape: shape, repeating: 0)
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { scalars.count }

    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars.elementsEqual(rhs.scalars) { $0.bitPattern == $1.bitPattern }
    }

    public var description: String {
        let head = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(head)\(count > 8 ? ", …" : "")])"
    }

    /// Validates a shape and returns its element count.
    static func elementCount(_ shape: [Int]) throws(RepOpsError) -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else { throw RepOpsError(.invalidShape, "shape \(shape) has a negative dimension") }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Int(Int32.max) * 64 else {
                throw RepOpsError(.invalidShape, "shape \(shape) has too many elements")
            }
            count = p
        }
        return count
    }

    /// Resolves a possibly negative axis (−1 = last).
    func axisIndex(_ axis: Int) throws(RepOpsError) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else {
            throw RepOpsError(.indexOutOfRange, "axis \(axis) is outside a rank-\(rank) tensor")
        }
        return a
    }

    /// Rows and row length for ops over the last axis; throws if there are no elements.
    func lastAxisRows(_ op: String) throws(RepOpsError) -> (rows: Int, n: Int) {
        guard let n = shape.last, n > 0, count > 0 else {
            throw RepOpsError(.emptyTensor, "\(op) needs a tensor of rank ≥ 1 with a non-empty last axis; got shape \(shape)")
        }
        return (count / n, n)
    }
}

// MARK: Canonical encoding and digest (Docs/RepOps.md, "Canonical encoding and digest").

extension Tensor {
    /// dtype tag of float32 in the canonical encoding.
    public static let float32Tag: UInt8 = 0x01

    /// `0x01`, rank (UInt32 LE), dims (UInt64 LE each), elements (UInt32 LE bit patterns, every
    /// NaN as `0x7FC00000`).
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(5 + 8 * rank + 4 * count)
        out.append(Tensor.float32Tag)
        withUnsafeBytes(of: UInt32(rank).littleEndian) { out.append(contentsOf: $0) }
        for d in shape { withUnsafeBytes(of: UInt64(d).littleEndian) { out.append(contentsOf: $0) } }
        for x in scalars {
            let bits = x.isNaN ? UInt32(0x7FC0_0000) : x.bitPattern
            withUnsafeBytes(of: bits.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Keccak-256 of ``canonicalBytes``.
    public var digest: [UInt8] { Keccak256.hash(canonicalBytes) }

    /// ``digest`` as lowercase hex (64 characters, no prefix).
    public var digestHex: String { Hex.encode(digest) }
}
