import GensynPrimitives

/// How a parameter starts.
public enum ParameterInit: Sendable, Equatable {
    /// Philox normal values with mean 0 and this standard deviation.
    case normal(std: Float)
    /// All +0.
    case zeros
    /// All 1.
    case ones
}

/// A parameter a module owns: fully qualified name, shape, initialisation.
public struct ParameterSpec: Sendable, Equatable {
    /// Fully qualified name, e.g. `h0.attn.q.weight`.
    public let name: String
    /// Shape.
    public let shape: [Int]
    /// Initialisation.
    public let initializer: ParameterInit

    /// A parameter description.
    public init(_ name: String, _ shape: [Int], _ initializer: ParameterInit) {
        self.name = name
        self.shape = shape
        self.initializer = initializer
    }
}

/// A model piece that owns named parameters. Forward passes record on a ``Tape`` and find their
/// parameters there by name (``ParameterSet/register(on:)``).
public protocol Module: Sendable {
    /// Every parameter of the module (and its children).
    var parameterSpecs: [ParameterSpec] { get }
}

extension Module {
    /// Fresh parameters from `seed`: a `.normal` parameter named `n` draws the Philox normal stream
    /// whose seed is the first 8 bytes (little-endian) of Keccak-256(`seed` as UInt64 LE ‖ UTF-8 of n).
    public func initialParameters(seed: UInt64) throws(RepOpsError) -> ParameterSet {
        var set = ParameterSet()
        for spec in parameterSpecs {
            guard set[spec.name] == nil else { throw RepOpsError(.invalidArgument, "two parameters are named \(spec.name)") }
            switch spec.initializer {
            case .zeros: set[spec.name] = try Tensor.zeros(spec.shape)
            case .ones: set[spec.name] = try Tensor(shape: spec.shape, repeating: 1)
            case let .normal(std):
                set[spec.name] = try Tensor.randomNormal(shape: spec.shape, seed: parameterSeed(seed, spec.name), std: std)
            }
        }
        return set
    }
}

func parameterSeed(_ seed: UInt64, _ name: String) -> UInt64 {
    var bytes = withUnsafeBytes(of: seed.littleEndian) { Array($0) }
    bytes.append(contentsOf: Array(name.utf8))
    let h = Keccak256.hash(bytes)
    return (0..<8).reduce(UInt64(0)) { $0 | UInt64(h[$1]) << (8 * UInt64($1)) }
}
