import RepOps
import Synchronization

/// A content-addressed store of tensors that the parties fill and the referee reads: the referee
/// only ever gets a tensor back under its own ``RepOps/Tensor/traceDigest``, so a party cannot
/// pass a value off as another tensor.
///
/// A party files a tensor under the digest its trace claims (``put(_:claiming:)``); the store
/// hashes it once, when the referee first reads that digest, and keeps it as verified (both
/// parties upload the agreed inputs of the disputed op: the referee hashes them once, and only
/// those the op reads). A wrong claim is dropped at that read and never shadows a correct upload
/// of the same digest.
public final class TensorStore: Sendable {
    struct Entry {
        /// A value whose digest was computed by the store.
        var verified: Tensor?
        /// Uploads not yet hashed, in filing order.
        var claimed: [Tensor] = []
    }

    let tensors = Mutex<[Digest: Entry]>([:])

    /// An empty store.
    public init() {}

    /// Files `tensor` under its digest, hashing it now; returns the digest.
    @discardableResult
    public func put(_ tensor: Tensor) -> Digest {
        let digest = Digest(trace: tensor)
        tensors.withLock { $0[digest, default: Entry()].verified = tensor }
        return digest
    }

    /// Files `tensor` as the value of `digest`, unchecked until the referee reads it. Nothing is
    /// filed when a verified value of `digest` is already present (the same bytes, or a wrong
    /// claim that could never be read).
    public func put(_ tensor: Tensor, claiming digest: Digest) {
        tensors.withLock {
            guard $0[digest]?.verified == nil else { return }
            $0[digest, default: Entry()].claimed.append(tensor)
        }
    }

    /// The tensor with `digest`: verified now if it was filed under a claim (each filed value is
    /// hashed at most once; wrong claims are dropped).
    /// - Throws: ``VerdeError`` `.invalidValue` when no party filed a tensor with that digest.
    public func tensor(_ digest: Digest) throws(VerdeError) -> Tensor {
        while true {
            let next: Next = tensors.withLock {
                guard var entry = $0[digest] else { return .missing }
                if let value = entry.verified { return .verified(value) }
                guard !entry.claimed.isEmpty else { return .missing }
                let candidate = entry.claimed.removeFirst()
                $0[digest] = entry.claimed.isEmpty ? nil : entry
                return .claimed(candidate)
            }
            switch next {
            case .verified(let value):
                return value
            case .missing:
                throw VerdeError(.invalidValue, "no party provided the tensor with digest \(digest)")
            case .claimed(let candidate):
                // Hashed outside the lock; a wrong claim is simply dropped.
                guard Digest(trace: candidate) == digest else { continue }
                tensors.withLock { $0[digest] = Entry(verified: candidate) }
                return candidate
            }
        }
    }

    enum Next {
        case verified(Tensor), claimed(Tensor), missing
    }

    /// Number of distinct digests filed (verified or claimed).
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
