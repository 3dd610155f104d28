import GensynTestSupport
import Foundation
import Testing
@testable import Signal

/// Differential tests: the recorder's streaming encoder against Foundation's JSONEncoder. Both
/// outputs must decode (JSONDecoder) to the same value and the same JSON tree.
@Suite struct StreamingJSONEncoderTests {
    enum Move: Codable, Equatable { case place(x: Int, y: Int, block: String), dig(depth: Double), idle }
    struct Nested: Codable, Equatable {
        var name: String
        var tags: [String]
        var grid: [[Int8]]
        var byName: [String: [UInt64]]
        var byIndex: [Int: String]
        var maybe: Double?
        var none: Int?
        var moves: [Move]
        var flag: Bool
        var f: Float
        var extremes: [Int64]
        var doubles: [Double]
        var empty: [String: Int]
        var unit: Empty
    }
    struct Empty: Codable, Equatable {}

    static func samples() -> [Nested] {
        var rng = SeededRandom(seed: 11)
        let alphabet = Array("ab\"\\\n\t\r\u{01}\u{1f}é漢🙂 /x")
        func text() -> String { String((0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }) }
        func double() -> Double {
            let pool: [Double] = [0, -0.0, 1, 0.1, -2.5, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456789.125, -1e21, 3.0e-7]
            return rng.next() % 2 == 0 ? pool[Int(rng.next() % UInt64(pool.count))] : Double(bitPattern: rng.next() >> 2)
        }
        return (0..<300).map { _ in
            Nested(
                name: text(), tags: (0..<Int(rng.next() % 4)).map { _ in text() },
                grid: (0..<Int(rng.next() % 3)).map { _ in (0..<Int(rng.next() % 4)).map { _ in Int8(truncatingIfNeeded: rng.next()) } },
                byName: Dictionary(uniqueKeysWithValues: (0..<Int(rng.next() % 3)).map { i in ("k\(i)" + text(), [rng.next(), UInt64.max]) }),
                byIndex: Dictionary(uniqueKeysWithValues: (0..<Int(rng.next() % 3)).map { i in (i * 7 - 3, text()) }),
                maybe: rng.next() % 2 == 0 ? nil : double(), none: nil,
                moves: [.place(x: -1, y: 2, block: text()), .dig(depth: double()), .idle],
                flag: rng.next() % 2 == 0, f: Float(bitPattern: UInt32(truncatingIfNeeded: rng.next() >> 34)),
                extremes: [Int64.min, Int64.max, 0, -1], doubles: (0..<3).map { _ in double() }, empty: [:], unit: Empty())
        }
    }

    @Test func matchesFoundation() throws {
        let foundation = JSONEncoder()
        for value in Self.samples() {
            let ours = try #require(try StreamingJSONEncoder.encode(value))
            let theirs = try foundation.encode(value)
            let back = try JSONDecoder().decode(Nested.self, from: Data(ours))
            #expect(back == value || back.f.isNaN, "\(String(decoding: ours, as: UTF8.self))")
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(ours)) == JSONDecoder().decode(JSONValue.self, from: theirs))
        }
        let t = sampleTransition(3)
        let ours = try #require(try StreamingJSONEncoder.encode(t))
        #expect(try JSONDecoder().decode(EditorRecorder.Step.self, from: Data(ours)) == t)
    }

    /// Types JSONEncoder special-cases and non-nested container use fall back (nil).
    @Test func fallsBackWhenStreamingCannotBeFaithful() throws {
        struct WithData: Codable { var d: Data }
        struct WithDate: Codable { var d: Date }
        struct WithURL: Codable { var u: URL }
        final class Base: Codable { var a = 1 }
        final class Sub: Codable {
            var b = 2
            init() {}
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(b, forKey: .b)
                try Base().encode(to: c.superEncoder())
            }
        }
        /// Writes to the outer container after opening a nested one, then into the nested one again.
        struct Interleaved: Encodable {
            enum K: CodingKey { case a, b, c }
            func encode(to encoder: any Encoder) throws {
                var outer = encoder.container(keyedBy: K.self)
                var inner = outer.nestedUnkeyedContainer(forKey: .a)
                try inner.encode(1)
                try outer.encode(2, forKey: .b)
                try inner.encode(3)
            }
        }
        #expect(try StreamingJSONEncoder.encode(WithData(d: Data([1, 2]))) == nil)
        #expect(try StreamingJSONEncoder.encode(WithDate(d: Date(timeIntervalSince1970: 5))) == nil)
        #expect(try StreamingJSONEncoder.encode(WithURL(u: URL(string: "https://x.y/z")!)) == nil)
        #expect(try StreamingJSONEncoder.encode(Sub()) == nil)
        #expect(try StreamingJSONEncoder.encode(Interleaved()) == nil)
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode([1.0, .nan]) }
    }

    /// The recorder stores the fallback types correctly (through JSONEncoder).
    @Test func recorderRoundTripsFallbackTypes() throws {
        struct State: Codable, Sendable, Equatable { var blob: Data; var at: Date }
        let dir = TempDir(); defer { dir.remove() }
        let rec = try Recorder<State, String, Bool>(store: SignalStore(SignalStoreConfiguration(directory: dir.store)))
        let t = Transition<State, String, Bool>(state: State(blob: Data([0, 255, 7]), at: Date(timeIntervalSince1970: 1e9)), action: "x")
        try rec.record(t, in: EpisodeID(0))
        #expect(try rec.transitions(in: EpisodeID(0)).map(\.transition.state) == [t.state])
    }
}
