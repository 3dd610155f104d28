import GensynPrimitives

/// Named tensors (model parameters, gradients, optimizer moments) in a canonical order: names
/// sorted by their UTF-8 bytes. Every loop over parameters (registration on a tape, global
/// norms, optimizer updates, digests) uses that order.
public struct ParameterSet: Sendable, Equatable {
    /// The tensors by name.
    public private(set) var tensors: [String: Tensor]

    /// A set holding `tensors`.
    public init(_ tensors: [String: Tensor] = [:]) { self.tensors = tensors }

    /// Names in canonical order (UTF-8 byte order).
    public var names: [String] { tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// The tensor named `name`.
    public subscript(_ name: String) -> Tensor? {
        get { tensors[name] }
        set { tensors[name] = newValue }
    }

    /// Total number of scalars.
    public var scalarCount: Int { tensors.values.reduce(0) { $0 + $1.count } }

    /// Keccak-256 over `name (UTF-8) ‖ 0x00 ‖ tensor digest (32 bytes)` for every tensor in
    /// canonical order.
    public var digest: [UInt8] {
        var bytes: [UInt8] = []
        for name in names {
            bytes.append(contentsOf: Array(name.utf8))
            bytes.append(0)
            bytes.append(contentsOf: tensors[name]!.digest)
        }
        return Keccak256.hash(bytes)
    }

    /// ``digest`` as lowercase hex.
    public var digestHex: String { Hex.encode(digest) }

    /// Records every tensor as a named trainable leaf on `tape`, in canonical order.
    public func register(on tape: Tape) {
        for name in names { _ = tape.parameter(name, tensors[name]!) }
    }
}

extension Gradients {
    /// Gradients for every tensor of `parameters` (registered on the tape by name); a parameter
    /// no gradient reached gets zeros.
    public func matching(_ parameters: ParameterSet) throws(RepOpsError) -> ParameterSet {
        var out = ParameterSet()
        for name in parameters.names {
            let p = parameters[name]!
            if let g = self[name: name] { out[name] = g } else { out[name] = try Tensor.zeros(p.shape) }
        }
        return out
    }
}
