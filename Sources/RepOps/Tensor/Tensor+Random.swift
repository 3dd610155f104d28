import CGensynRepOps

/// Seeded random tensors from Philox-4x32-10 streams (Docs/RepOps.md, "Random numbers"):
/// element i depends only on the seed and i.
extension Tensor {
    /// Uniform values in `[low, high)`.
    public static func randomUniform(shape: [Int], seed: UInt64, low: Float = 0, high: Float = 1) throws(RepOpsError) -> Tensor {
        let n = try elementCount(shape)
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { gensyn_random_uniform_f32(seed, low, high, $0.baseAddress, n) }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    /// Normal values with the given mean and standard deviation (Marsaglia's polar method).
    public static func randomNormal(shape: [Int], seed: UInt64, mean: Float = 0, std: Float = 1) throws(RepOpsError) -> Tensor {
        let n = try elementCount(shape)
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { gensyn_random_normal_f32(seed, mean, std, $0.baseAddress, n) }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    /// One Philox-4x32-10 block (for tests and for re-implementers checking their streams).
    public static func philox4x32x10(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> [UInt32] {
        let c = [counter.0, counter.1, counter.2, counter.3], k = [key.0, key.1]
        var out = [UInt32](repeating: 0, count: 4)
        gensyn_philox4x32_10(c, k, &out)
        return out
    }
}
