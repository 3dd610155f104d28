#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A fast JSON encoder for record bodies: writes bytes straight into one buffer instead of
/// building a tree, about 4× less CPU than `JSONEncoder` on typical transitions (the recorder's
/// hot path; see Docs/Benchmarks.md).
///
/// Streaming needs containers used in nested (stack) order, which synthesized `Codable` always
/// does. Anything else — a container written to after a sibling was opened, `superEncoder`,
/// types `JSONEncoder` special-cases (`Data`, `URL`, `Decimal`, `Date`) — makes ``encode(_:)``
/// return nil and the caller falls back to `JSONEncoder`, so the bytes always decode with
/// `JSONDecoder` to the same value. Non-finite floats throw, as `JSONEncoder` does.
package enum StreamingJSONEncoder {
    /// The JSON of `value`, or nil when only `JSONEncoder` can encode it faithfully.
    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8]? {
        let state = State()
        do {
            try state.encodeValue(value)
            state.close(downTo: 0)
            return state.poisoned ? nil : state.out
        } catch is Fallback {
            return nil
        }
    }

    struct Fallback: Error {}

    /// Encoding state, used by one thread at a time (one `encode` call), so the dynamic
    /// exclusivity checks on its fields — a third of the run time — are switched off.
    final class State {
        @exclusivity(unchecked) var out: [UInt8] = []
        /// Open containers: element counts (for commas) and closing byte.
        @exclusivity(unchecked) var counts: [Int] = []
        @exclusivity(unchecked) var closers: [UInt8] = []
        /// Set on any use streaming cannot honour; the result is then discarded.
        @exclusivity(unchecked) var poisoned = false

        init() { out.reserveCapacity(512) }

        func close(downTo level: Int) {
            while counts.count > level {
                out.append(closers.removeLast())
                counts.removeLast()
            }
        }

        /// Before writing an element into the container at `level`: closes deeper containers,
        /// writes a comma when needed.
        func element(at level: Int) throws {
            guard !poisoned, counts.count > level else { poisoned = true; throw Fallback() }
            close(downTo: level + 1)
            if counts[level] > 0 { out.append(UInt8(ascii: ",")) }
            counts[level] += 1
        }

        func open(_ opener: UInt8, _ closer: UInt8) {
            out.append(opener)
            counts.append(0)
            closers.append(closer)
        }

        func encodeValue<T: Encodable>(_ value: T) throws {
            if T.self == Data.self || T.self == URL.self || T.self == Decimal.self || T.self == Date.self { throw Fallback() }
            if poisoned { throw Fallback() }
            let depth = counts.count
            let start = out.count
            let encoder = StreamEncoder(state: self, depth: depth)
            try value.encode(to: encoder)
            close(downTo: depth)
            if out.count == start { literal("{}") }  // encoded nothing: JSONEncoder writes {}
        }

        func string(_ s: String) {
            out.append(UInt8(ascii: "\""))
            var s = s
            s.withUTF8 { utf8 in
                if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                    out.append(contentsOf: utf8)
                    return
                }
                for b in utf8 {
                    switch b {
                    case UInt8(ascii: "\""): out += [92, 34]
                    case UInt8(ascii: "\\"): out += [92, 92]
                    case 0x0a: out += [92, UInt8(ascii: "n")]
                    case 0x0d: out += [92, UInt8(ascii: "r")]
                    case 0x09: out += [92, UInt8(ascii: "t")]
                    case 0..<0x20:
                        let hex = Array("0123456789abcdef".utf8)
                        out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
                    default: out.append(b)
                    }
                }
            }
            out.append(UInt8(ascii: "\""))
        }

        func float<F: BinaryFloatingPoint & LosslessStringConvertible>(_ x: F, _ path: [any CodingKey]) throws {
            guard x.isFinite else {
                throw EncodingError.invalidValue(x, .init(codingPath: path, debugDescription: "non-finite number \(x) is not valid JSON"))
            }
            out += x.description.utf8
        }

        func integer<I: FixedWidthInteger>(_ x: I) {
            // Digits without a String allocation.
            var magnitude = x.magnitude
            if x < 0 { out.append(UInt8(ascii: "-")) }
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ 20 digits of UInt64
            var n = 0
            withUnsafeMutableBytes(of: &digits) { d in
                repeat {
                    d[23 - n] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                    magnitude /= 10
                    n += 1
                } while magnitude != 0
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
            }
        }

        func literal(_ s: StaticString) {
            out.append(contentsOf: UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }
    }
}

private struct StreamEncoder: Encoder {
    let state: StreamingJSONEncoder.State
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if state.counts.count != depth { state.poisoned = true }  // a second container, or a stale encoder
        state.open(UInt8(ascii: "{"), UInt8(ascii: "}"))
        return KeyedEncodingContainer(StreamKeyed<Key>(state: state, level: state.counts.count - 1))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if state.counts.count != depth { state.poisoned = true }
        state.open(UInt8(ascii: "["), UInt8(ascii: "]"))
        return StreamUnkeyed(state: state, level: state.counts.count - 1)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        StreamSingle(state: state, depth: depth, start: state.out.count)
    }
}

private struct StreamKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: StreamingJSONEncoder.State
    let level: Int
    var codingPath: [any CodingKey] { [] }

    func key(_ key: Key) throws {
        try state.element(at: level)
        state.string(key.stringValue)
        state.out.append(UInt8(ascii: ":"))
    }

    mutating func encodeNil(forKey key: Key) throws { try self.key(key); state.literal("null") }
    mutating func encode(_ v: Bool, forKey key: Key) throws { try self.key(key); state.literal(v ? "true" : "false") }
    mutating func encode(_ v: String, forKey key: Key) throws { try self.key(key); state.string(v) }
    mutating func encode(_ v: Double, forKey key: Key) throws { try self.key(key); try state.float(v, [key]) }
    mutating func encode(_ v: Float, forKey key: Key) throws { try self.key(key); try state.float(v, [key]) }
    mutating func encode(_ v: Int, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: Int8, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: Int16, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: Int32, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: Int64, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: UInt, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: UInt8, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: UInt16, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: UInt32, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode(_ v: UInt64, forKey key: Key) throws { try self.key(key); state.integer(v) }
    mutating func encode<T: Encodable>(_ v: T, forKey key: Key) throws { try self.key(key); try state.encodeValue(v) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        if (try? self.key(key)) == nil { state.poisoned = true }
        state.open(UInt8(ascii: "{"), UInt8(ascii: "}"))
        return KeyedEncodingContainer(StreamKeyed<NestedKey>(state: state, level: state.counts.count - 1))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        if (try? self.key(key)) == nil { state.poisoned = true }
        state.open(UInt8(ascii: "["), UInt8(ascii: "]"))
        return StreamUnkeyed(state: state, level: state.counts.count - 1)
    }

    mutating func superEncoder() -> any Encoder { state.poisoned = true; return StreamEncoder(state: state, depth: -1) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { state.poisoned = true; return StreamEncoder(state: state, depth: -1) }
}

private struct StreamUnkeyed: UnkeyedEncodingContainer {
    let state: StreamingJSONEncoder.State
    let level: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int { state.counts.count > level ? max(0, state.counts[level]) : 0 }

    func next() throws {
        try state.element(at: level)
    }

    mutating func encodeNil() throws { try next(); state.literal("null") }
    mutating func encode(_ v: Bool) throws { try next(); state.literal(v ? "true" : "false") }
    mutating func encode(_ v: String) throws { try next(); state.string(v) }
    mutating func encode(_ v: Double) throws { try next(); try state.float(v, []) }
    mutating func encode(_ v: Float) throws { try next(); try state.float(v, []) }
    mutating func encode(_ v: Int) throws { try next(); state.integer(v) }
    mutating func encode(_ v: Int8) throws { try next(); state.integer(v) }
    mutating func encode(_ v: Int16) throws { try next(); state.integer(v) }
    mutating func encode(_ v: Int32) throws { try next(); state.integer(v) }
    mutating func encode(_ v: Int64) throws { try next(); state.integer(v) }
    mutating func encode(_ v: UInt) throws { try next(); state.integer(v) }
    mutating func encode(_ v: UInt8) throws { try next(); state.integer(v) }
    mutating func encode(_ v: UInt16) throws { try next(); state.integer(v) }
    mutating func encode(_ v: UInt32) throws { try next(); state.integer(v) }
    mutating func encode(_ v: UInt64) throws { try next(); state.integer(v) }
    mutating func encode<T: Encodable>(_ v: T) throws { try next(); try state.encodeValue(v) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        if (try? next()) == nil { state.poisoned = true }
        state.open(UInt8(ascii: "{"), UInt8(ascii: "}"))
        return KeyedEncodingContainer(StreamKeyed<NestedKey>(state: state, level: state.counts.count - 1))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        if (try? next()) == nil { state.poisoned = true }
        state.open(UInt8(ascii: "["), UInt8(ascii: "]"))
        return StreamUnkeyed(state: state, level: state.counts.count - 1)
    }

    mutating func superEncoder() -> any Encoder { state.poisoned = true; return StreamEncoder(state: state, depth: -1) }
}

/// A single value: exactly one write, at the position its encoder was created for.
private struct StreamSingle: SingleValueEncodingContainer {
    let state: StreamingJSONEncoder.State
    let depth: Int
    let start: Int
    var codingPath: [any CodingKey] { [] }

    func check() throws {
        guard !state.poisoned, state.counts.count == depth, state.out.count == start else {
            state.poisoned = true
            throw StreamingJSONEncoder.Fallback()
        }
    }

    mutating func encodeNil() throws { try check(); state.literal("null") }
    mutating func encode(_ v: Bool) throws { try check(); state.literal(v ? "true" : "false") }
    mutating func encode(_ v: String) throws { try check(); state.string(v) }
    mutating func encode(_ v: Double) throws { try check(); try state.float(v, []) }
    mutating func encode(_ v: Float) throws { try check(); try state.float(v, []) }
    mutating func encode(_ v: Int) throws { try check(); state.integer(v) }
    mutating func encode(_ v: Int8) throws { try check(); state.integer(v) }
    mutating func encode(_ v: Int16) throws { try check(); state.integer(v) }
    mutating func encode(_ v: Int32) throws { try check(); state.integer(v) }
    mutating func encode(_ v: Int64) throws { try check(); state.integer(v) }
    mutating func encode(_ v: UInt) throws { try check(); state.integer(v) }
    mutating func encode(_ v: UInt8) throws { try check(); state.integer(v) }
    mutating func encode(_ v: UInt16) throws { try check(); state.integer(v) }
    mutating func encode(_ v: UInt32) throws { try check(); state.integer(v) }
    mutating func encode(_ v: UInt64) throws { try check(); state.integer(v) }
    mutating func encode<T: Encodable>(_ v: T) throws { try check(); try state.encodeValue(v) }
}
