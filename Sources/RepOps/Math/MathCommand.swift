import CGensynRepOps
import GensynPrimitives

extension RepOpsMath {
    /// The `gensyn-repops math <fn>` filter: reads one fp32 bit pattern per line (8 hex digits,
    /// either case, surrounding whitespace ignored) and writes f's result bit pattern per line
    /// (8 lower-case hex digits), in order.
    ///
    /// ```swift
    /// var out: [String] = []
    /// try RepOpsMath.runBitPatternFilter(function: "exp", lines: ["3f800000"]) { out.append($0) }
    /// // out == ["402df854"]   (e rounded to fp32)
    /// ```
    ///
    /// - Parameters:
    ///   - function: a ``Function`` raw value: exp, log, tanh, erf, sigmoid, sqrt, rsqrt, gelu,
    ///     gelu_tanh, silu.
    ///   - lines: the input lines (without their line terminators).
    ///   - output: called once per input line with the result line (no terminator).
    /// - Throws: ``MathCommandError`` for an unknown function (before reading input) or a line that
    ///   is not 8 hex digits (results of earlier lines have been written).
    public static func runBitPatternFilter<Lines: Sequence>(
        function: String, lines: Lines, output: (String) -> Void
    ) throws(MathCommandError) where Lines.Element: StringProtocol {
        guard let f = Function(rawValue: function) else {
            let names = Function.allCases.map(\.rawValue).joined(separator: ", ")
            throw MathCommandError(.unknownFunction, "unknown math function '\(function)'; expected one of: \(names)")
        }
        let batch = 4096
        var inputs: [Float] = []
        inputs.reserveCapacity(batch)
        func flush() {
            for y in apply(f, to: inputs) { output(hex8(y.bitPattern)) }
            inputs.removeAll(keepingCapacity: true)
        }
        var lineNumber = 0
        for line in lines {
            lineNumber += 1
            guard let bits = parseBits(line) else {
                flush()
                throw MathCommandError(
                    .badLine,
                    "line \(lineNumber): '\(line.prefix(40))' is not an fp32 bit pattern (8 hex digits, e.g. 3f800000)")
            }
            inputs.append(Float(bitPattern: bits))
            if inputs.count == batch { flush() }
        }
        flush()
    }

    /// The filter over a whole text: one result line per input line, each ending in "\n". Lines end
    /// in "\n" or "\r\n"; a final line terminator is optional.
    public static func runBitPatternFilter(function: String, input: String) throws(MathCommandError) -> String {
        // "\r\n" is one Character in Swift: split on both terminators.
        var lines = input.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last?.isEmpty == true { lines.removeLast() }
        var out = ""
        out.reserveCapacity(lines.count * 9)
        try runBitPatternFilter(function: function, lines: lines) { out += $0; out += "\n" }
        return out
    }

    static func parseBits(_ line: some StringProtocol) -> UInt32? {
        var utf8 = Substring(line).utf8[...]
        while let c = utf8.first, c == 0x20 || c == 0x09 || c == 0x0d { utf8 = utf8.dropFirst() }
        while let c = utf8.last, c == 0x20 || c == 0x09 || c == 0x0d { utf8 = utf8.dropLast() }
        guard utf8.count == 8 else { return nil }
        var value: UInt32 = 0
        for c in utf8 {
            guard let digit = Hex.nibble(c) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    static func hex8(_ bits: UInt32) -> String {
        let s = String(bits, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}

/// A `gensyn-repops math` request that cannot be served.
public struct MathCommandError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The function name is not one of ``RepOpsMath/Function``'s raw values.
        public static let unknownFunction = Code(name: "unknownFunction")
        /// An input line is not 8 hex digits.
        public static let badLine = Code(name: "badLine")
        public var description: String { name }
    }
    /// What went wrong.
    public let code: Code
    /// A message a user can act on.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "MathCommandError.\(code): \(message)" }
}
