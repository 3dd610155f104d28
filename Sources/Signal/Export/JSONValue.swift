/// A JSON document tree: what schema migrations and field-level redaction work on.
public indirect enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number that is an exact 64-bit integer.
    case integer(Int64)
    /// Any other number.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The member `key` of an object (nil otherwise).
    public subscript(key: String) -> JSONValue? {
        get { if case .object(let o) = self { return o[key] } else { return nil } }
        set { if case .object(var o) = self { o[key] = newValue; self = .object(o) } }
    }

    /// Replaces every value at a dotted `path` (`*` matches every array element or object
    /// member, e.g. `suggestions.*.action`) with `replacement`. Missing paths are ignored.
    public mutating func replace(path: String, with replacement: JSONValue) {
        replace(path.split(separator: ".", omittingEmptySubsequences: false)[...], with: replacement)
    }

    private mutating func replace(_ path: ArraySlice<Substring>, with replacement: JSONValue) {
        guard let head = path.first else { self = replacement; return }
        let rest = path.dropFirst()
        switch self {
        case .object(var o):
            if head == "*" {
                for k in o.keys { o[k]!.replace(rest, with: replacement) }
            } else if o[String(head)] != nil {
                o[String(head)]!.replace(rest, with: replacement)
            }
            self = .object(o)
        case .array(var a):
            if head == "*" {
                for i in a.indices { a[i].replace(rest, with: replacement) }
            } else if let i = Int(head), a.indices.contains(i) {
                a[i].replace(rest, with: replacement)
            }
            self = .array(a)
        default:
            break
        }
    }
}
