import GensynPrimitives

/// A JSON value with ordered object keys, so replay output is byte-for-byte deterministic.
public indirect enum ReplayJSON: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([ReplayJSON])
    case object([(String, ReplayJSON)])

    public static func == (a: ReplayJSON, b: ReplayJSON) -> Bool { a.serialized() == b.serialized() }
    public func hash(into hasher: inout Hasher) { hasher.combine(serialized()) }

    /// Compact JSON text.
    public func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .string(let s): ReplayJSON.escape(s, into: &out)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .array(let items):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += ", " }
                item.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (n, (key, value)) in fields.enumerated() {
                if n > 0 { out += ", " }
                ReplayJSON.escape(key, into: &out)
                out += ": "
                value.write(to: &out)
            }
            out += "}"
        }
    }

    static func escape(_ s: String, into out: inout String) { JSONText.quote(s, into: &out) }
}
