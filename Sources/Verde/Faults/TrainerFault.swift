/// A fault an adversarial trainer injects — the kinds `gensyn-verde dispute --fault` names. Steps
/// are 1-based; ops are indices in the step's Verde trace. `Rate` says how the learning-rate fault
/// is expressed by each trainer (see ``GPTFault`` and ``SyntheticFault``).
public enum TrainerFault<Rate: Sendable & Hashable>: Sendable, Hashable, CustomStringConvertible {
    /// Flip the lowest bit of element 0 of op `op`'s output at `step`; every later op reads the
    /// flipped value.
    case bitflip(step: Int, op: Int)
    /// Train step `step` on the wrong data batch (the records show the batch used).
    case batch(step: Int)
    /// Use another learning rate at `step`, as the trainer's `Rate` describes.
    case learningRate(step: Int, Rate)
    /// Skip op `op` at `step`: record it, but pass its first input through as its output.
    case skip(step: Int, op: Int)
    /// Compute correctly, but commit a wrong output digest for op `op` at `step`.
    case lie(step: Int, op: Int)

    /// The step the fault first touches.
    public var step: Int {
        switch self {
        case .bitflip(let s, _), .batch(let s), .learningRate(let s, _), .skip(let s, _), .lie(let s, _): s
        }
    }

    public var description: String {
        switch self {
        case .bitflip(let s, let k): "bitflip:\(s):\(k)"
        case .batch(let s): "batch:\(s)"
        case .learningRate(let s, let r): "lr:\(s):\(r)"
        case .skip(let s, let k): "skip:\(s):\(k)"
        case .lie(let s, let k): "lie:\(s):\(k)"
        }
    }
}

/// A fault of an adversarial RepOps trainer (see ``GPTTraceSource``); `learningRate(step:, f)`
/// multiplies the rate by `f` at that step only.
public typealias GPTFault = TrainerFault<Float>

/// A fault of a synthetic cheater (see ``SyntheticTrainer``); `learningRate(step:, v)` uses the
/// rate `v` from that step on while recording the job's.
public typealias SyntheticFault = TrainerFault<UInt64>
