/// Where an operator's input comes from.
///
/// Encoding: a tag word (`0` earlier op, `1` checkpoint tensor), then the index or the name.
public enum OpInput: Sendable, Hashable, WordCodable {
    /// The output of an earlier op of the same step, by index.
    case op(Int)
    /// A tensor of the checkpoint the step starts from, by name.
    case checkpoint(String)

    public func encode(to writer: inout WordWriter) {
        switch self {
        case .op(let index): writer.write(UInt64(0)); writer.write(index)
        case .checkpoint(let name): writer.write(UInt64(1)); writer.write(string: name)
        }
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        switch try reader.readInt("op input tag", max: 1) {
        case 0: self = .op(try reader.readInt("op input index"))
        default: self = .checkpoint(try reader.readString("op input tensor name"))
        }
    }
}

/// One operator of a step's trace: a leaf of the step's trace tree.
///
/// Encoding (the leaf bytes), in order: `index`, `kind` (byte string, UTF-8), `attributes` (byte
/// string), `inputs` (list of ``OpInput``), `outputShape` (list of integers), `outputDigest` (word).
public struct OpRecord: Sendable, Hashable, WordCodable {
    /// Kind of the last op of every step: its inputs are the step's resulting tensors (sorted by
    /// name, named in `attributes`), its output digest is the step's ``CheckpointCommitment`` root.
    public static let checkpointKind = "checkpoint"

    /// Position in the step's trace.
    public var index: Int
    /// Operator name, e.g. `matmul` (RepOps' op kind).
    public var kind: String
    /// Operator attributes in RepOps' canonical bytes (opaque to Verde).
    public var attributes: [UInt8]
    /// Inputs, in the operator's argument order.
    public var inputs: [OpInput]
    /// Shape of the output tensor.
    public var outputShape: [Int]
    /// Digest of the output tensor.
    public var outputDigest: TensorDigest

    /// A record.
    public init(
        index: Int, kind: String, attributes: [UInt8] = [], inputs: [OpInput], outputShape: [Int],
        outputDigest: TensorDigest
    ) {
        self.index = index
        self.kind = kind
        self.attributes = attributes
        self.inputs = inputs
        self.outputShape = outputShape
        self.outputDigest = outputDigest
    }

    /// The record's leaf hash in a trace tree.
    public var leafHash: Digest { MerkleTree.leafHash(encoded) }

    public func encode(to writer: inout WordWriter) {
        writer.write(index)
        writer.write(string: kind)
        writer.write(bytes: attributes)
        writer.write(list: inputs)
        writer.write(UInt64(outputShape.count))
        for d in outputShape { writer.write(d) }
        writer.write(outputDigest)
    }

    public init(from reader: inout WordReader) throws(VerdeError) {
        index = try reader.readInt("op index")
        kind = try reader.readString("op kind", max: 256)
        attributes = try reader.readBytes("op attributes", max: 1 << 20)
        inputs = try reader.readList(OpInput.self, "op inputs", max: 1 << 12)
        let rank = try reader.readInt("output rank", max: 64)
        var shape: [Int] = []
        for _ in 0..<rank { shape.append(try reader.readInt("output dimension")) }
        outputShape = shape
        outputDigest = try reader.readDigest("op output digest")
    }
}
