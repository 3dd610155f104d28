/// A character-level tokenizer for the compact prompts (``TaskPrompt``) and the answers of the
/// swarm's tasks: five special tokens, then one token per character of a fixed ASCII alphabet.
/// `<answer>` and `</answer>` are single tokens, so a completion such as `<answer>12</answer>`
/// is four tokens. Encoding is strict: any other character is a ``PolicyError`` (a peer's
/// completion with such a character is not trained on).
public struct TaskTokenizer: Sendable, Hashable {
    /// Padding (never a target with weight ≠ 0).
    public static let pad = 0
    /// Start of every sequence.
    public static let bos = 1
    /// End of a completion.
    public static let eos = 2
    /// `<answer>`.
    public static let answerOpen = 3
    /// `</answer>`.
    public static let answerClose = 4
    /// Characters after the five special tokens, in token order.
    public static let alphabet: [UInt8] = Array(
        " 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-*/()<>=~&|,.:;[]".utf8)

    static let table: [Int] = {
        var t = [Int](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = 5 + i }
        return t
    }()
    static let open = Array("<answer>".utf8), close = Array("</answer>".utf8)

    /// A tokenizer.
    public init() {}

    /// Token ids are 0..<vocabulary.
    public var vocabulary: Int { 5 + TaskTokenizer.alphabet.count }

    /// The tokens of `text`; `<answer>`/`</answer>` become their special tokens.
    /// - Throws: ``PolicyError/Code/unknownCharacter`` for a character outside the alphabet.
    public func encode(_ text: String) throws(PolicyError) -> [Int] {
        let bytes = Array(text.utf8)
        var out: [Int] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<") {
                if bytes[i...].starts(with: Self.open) { out.append(Self.answerOpen); i += Self.open.count; continue }
                if bytes[i...].starts(with: Self.close) { out.append(Self.answerClose); i += Self.close.count; continue }
            }
            let b = Int(bytes[i])
            guard b < 128, Self.table[b] >= 0 else {
                throw PolicyError(.unknownCharacter, "byte 0x\(String(b, radix: 16)) at offset \(i) is not in the task alphabet")
            }
            out.append(Self.table[b])
            i += 1
        }
        return out
    }

    /// The text of `tokens`: answer tags as text; padding, BOS and EOS produce nothing, and ids
    /// outside the vocabulary are skipped.
    public func decode(_ tokens: [Int]) -> String {
        var bytes: [UInt8] = []
        for t in tokens {
            switch t {
            case Self.answerOpen: bytes += Self.open
            case Self.answerClose: bytes += Self.close
            case 5..<vocabulary: bytes.append(Self.alphabet[t - 5])
            default: continue
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
