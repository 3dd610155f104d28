import Foundation
import GensynPrimitives
import GensynTestSupport
@testable import Chain


func hex(_ s: String) -> [UInt8] { try! Hex.decode(s) }

/// Big-endian minimal bytes of a non-negative decimal string (test-side reference, schoolbook).
func decimalToBytes(_ s: String) -> [UInt8] {
    var out = [UInt8]()  // big-endian
    for ch in s.utf8 {
        var carry = Int(ch - 48)
        for i in stride(from: out.count - 1, through: 0, by: -1) {
            let v = Int(out[i]) * 10 + carry
            out[i] = UInt8(v & 0xff)
            carry = v >> 8
        }
        while carry > 0 { out.insert(UInt8(carry & 0xff), at: 0); carry >>= 8 }
    }
    while out.first == 0 { out.removeFirst() }
    return out
}

func jsonString(_ value: Any) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
}

func jsonParse(_ text: String) -> Any {
    try! JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}
