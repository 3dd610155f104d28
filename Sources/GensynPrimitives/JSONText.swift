/// JSON string escaping shared by the hand-written JSON writers of the libraries and tools (their
/// key order is a contract, so they do not go through `JSONEncoder`).
package enum JSONText {
    /// Appends `s` as a JSON string literal (quotes, `\"`, `\\`, `\n`, `\r`, `\t`, `\u00XX` for
    /// other control characters; everything else verbatim).
    package static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `s` as a JSON string literal.
    package static func quoted(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }
}
