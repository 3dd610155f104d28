import RepOps
import Synchronization

/// A content-addressed store of tensors that the parties fill and the referee reads: a tensor is
/// filed under its own ``RepOps/Tensor/traceDigest``, so a party cannot file a value under another
/// tensor's digest.
public final class TensorStore: Sendable {
    let tensors = Mutex<[Digest: Tensor]>([:])

    /// An empty store.
    public init() {}

    /// Files `tensor`; returns its digest.
    @discardableResult
    public func put(_ tensor: Tensor) -> Digest {
        let digest = Digest(trace: tensor)
        tensors.withLock { $0[digest] = tensor }
        return digest
    }

    /// The tensor with `digest`.
    /// - Throws: ``VerdeError`` `.invalidValue` when no party filed it.
    public func tensor(_ digest: Digest) throws(VerdeError) -> Tensor {
        guard let t = tensors.withLock({ $0[digest] }) else {
            throw VerdeError(.invalidValue, "no party provided the tensor with digest \(digest)")
        }
        return t
    }

    /// Number of tensors filed.
    public var count: Int { tensors.withLock { $0.count } }

    /// Empties the store.
    public func removeAll() { tensors.withLock { $0.removeAll() } }
}

/// A ``TraceSource`` that can hand the referee the input tensors of one op (a real trainer; the
/// synthetic workload has no tensors).
public protocol TensorUploading: TraceSource {
    /// Files the values of op `op`'s inputs at `step` in `store`; returns the bytes sent.
    func uploadInputs(step: Int, op: Int, to store: TensorStore) throws -> Int
}
