import GensynPrimitives

// A small extension Delphi needs and GensynPrimitives does not have (yet): integer square root.
extension UInt256 {
    /// ⌊√self⌋ (`.down`) or ⌈√self⌉ (`.up`), by Newton's iteration from above.
    func squareRoot(rounding: Rounding) -> UInt256 {
        if isZero { return .zero }
        var x = UInt256.one << ((bitLength + 1) / 2)  // ≥ √self
        while true {
            let y = (x &+ (try! checkedDivide(x))) >> 1
            if y >= x { break }
            x = y
        }
        if rounding == .up && x &* x != self { return x &+ .one }
        return x
    }
}
