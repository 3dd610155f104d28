import GensynPrimitives
import RepOps

/// A model update, tuned − base, as the artefact a device shares (with Swarm) or submits (to a
/// market) instead of its raw data.
///
/// `delta[name]` is `fl(tuned − base)` per element (Float32), the value peers average. Float
/// subtraction can round so far that `base + delta` misses `tuned` (a sign change, or a shrink
/// far below the base's magnitude); for those elements `residual[name]` holds the exact rounding
/// error (`tuned − base = delta + residual` exactly, by Knuth's TwoSum), 0 elsewhere, and the
/// tensor is stored only when some element needs it. ``applied(to:)`` computes `Float((Double(base) + Double(delta)) + Double(residual))`,
/// which reproduces the tuned parameters bitwise (checked when the delta is made).
///
/// File: safetensors, F32, tensors `<name>` (delta) and `residual/<name>`; ``digest`` is
/// Keccak-256 of the file bytes.
public struct ParameterDelta: Sendable, Equatable {
    /// `fl(tuned − base)` by parameter name.
    public let delta: ParameterSet
    /// Exact rounding errors of `delta`, only for tensors where some element rounded.
    public let residual: ParameterSet
    /// ``ParameterSet/digestHex`` of the base the delta applies to.
    public let baseDigestHex: String

    static let residualPrefix = "residual/"

    /// The delta from `base` to `tuned` (same names and shapes, finite values).
    /// - Throws: `parameterMismatch` when names or shapes differ, or the delta cannot reproduce
    ///   `tuned` exactly (only a `+0` base value turned `−0`: `+0 + −0 = +0`);
    ///   `invalidTrainingData` for a non-finite tuned value.
    public init(base: ParameterSet, tuned: ParameterSet) throws(SignalError) {
        guard base.names == tuned.names else {
            throw SignalError(.parameterMismatch, "base and tuned parameters have different names: \(Set(base.names).symmetricDifference(tuned.names).sorted())")
        }
        var delta = ParameterSet(), residual = ParameterSet()
        for name in base.names {
            let b = base[name]!, t = tuned[name]!
            guard b.shape == t.shape else { throw SignalError(.parameterMismatch, "\(name): base shape \(b.shape), tuned shape \(t.shape)") }
            guard t.scalars.allSatisfy(\.isFinite), b.scalars.allSatisfy(\.isFinite) else {
                throw SignalError(.invalidTrainingData, "\(name) has a non-finite value; tuning diverged (lower the learning rate)")
            }
            var hi = [Float](repeating: 0, count: t.count), lo = hi
            for i in hi.indices {
                // TwoSum(t, −b): hi + lo == t − b exactly.
                let a = t.scalars[i], c = -b.scalars[i]
                let s = a + c, cc = s - a
                hi[i] = s
                // The residual is needed only where the delta alone does not land on `t`
                // (typically a sign change or a shrink far below the base's magnitude).
                if Float(Double(b.scalars[i]) + Double(s)).bitPattern != a.bitPattern { lo[i] = (a - (s - cc)) + (c - cc) }
            }
            delta[name] = try repOps { () throws(RepOpsError) in try Tensor(shape: t.shape, scalars: hi) }
            if lo.contains(where: { $0 != 0 }) {
                residual[name] = try repOps { () throws(RepOpsError) in try Tensor(shape: t.shape, scalars: lo) }
            }
        }
        self.delta = delta
        self.residual = residual
        self.baseDigestHex = base.digestHex
        let back = try applied(to: base)
        for name in tuned.names where back[name]!.scalars.map(\.bitPattern) != tuned[name]!.scalars.map(\.bitPattern) {
            throw SignalError(.parameterMismatch, "\(name): the delta cannot reproduce the tuned values exactly (a +0 turned into −0); share the full parameters instead")
        }
    }

    /// A delta read from its safetensors file (``safetensorsBytes()``); `baseDigestHex` is empty
    /// (the file does not record the base: compare ``applied(to:)``'s input yourself).
    /// - Throws: `invalidRecord` for a malformed file, `parameterMismatch` for a residual without
    ///   its delta or of another shape.
    public init(safetensors bytes: [UInt8]) throws(SignalError) {
        let all: ParameterSet
        do { all = try ParameterSet(safetensors: bytes) } catch {
            throw SignalError(.invalidRecord, "not a parameter-delta safetensors file: \(error)")
        }
        var delta = ParameterSet(), residual = ParameterSet()
        for name in all.names {
            if name.hasPrefix(Self.residualPrefix) { residual[String(name.dropFirst(Self.residualPrefix.count))] = all[name] } else { delta[name] = all[name] }
        }
        for name in residual.names where delta[name]?.shape != residual[name]!.shape {
            throw SignalError(.parameterMismatch, "residual/\(name) has no delta tensor of the same shape")
        }
        self.delta = delta
        self.residual = residual
        self.baseDigestHex = ""
    }

    /// `base` with the delta applied: `Float((Double(base) + Double(delta)) + Double(residual))`
    /// per element.
    /// - Throws: `parameterMismatch` when `base` lacks a tensor of the delta or its shape differs.
    public func applied(to base: ParameterSet) throws(SignalError) -> ParameterSet {
        var out = base
        for name in delta.names {
            let d = delta[name]!
            guard let b = base[name], b.shape == d.shape else {
                throw SignalError(.parameterMismatch, "the base has no tensor \(name) of shape \(d.shape)")
            }
            let r = residual[name]?.scalars
            var y = [Float](repeating: 0, count: d.count)
            for i in y.indices {
                y[i] = Float((Double(b.scalars[i]) + Double(d.scalars[i])) + Double(r?[i] ?? 0))
            }
            out[name] = try repOps { () throws(RepOpsError) in try Tensor(shape: b.shape, scalars: y) }
        }
        return out
    }

    /// The delta as a safetensors file (F32; `<name>` and `residual/<name>`, canonical order).
    public func safetensorsBytes() -> [UInt8] {
        var all = delta
        for name in residual.names { all[Self.residualPrefix + name] = residual[name] }
        return all.safetensorsBytes()
    }

    /// Keccak-256 of ``safetensorsBytes()``: what a Swarm message or market submission names.
    public var digest: [UInt8] { Keccak256.hash(safetensorsBytes()) }

    /// ``digest`` as lowercase hex.
    public var digestHex: String { Hex.encode(digest) }

    /// Global L2 norm of the delta (how far tuning moved).
    public var norm: Float { delta.globalNorm }
}
