import GensynPrimitives

/// A typed ABI value. Pair it with an ``ABIType`` to encode; decoding returns values of this enum.
///
/// ```swift
/// let data = try ABI.encode([.address(to), .uint(1_000)], as: [.address, .uint(256)])
/// ```
// Not `indirect`: the recursive cases hold arrays (already heap storage), so scalars like `.uint` live
// inline instead of in a heap box that every match and copy would retain and release.
public enum ABIValue: Hashable, Sendable {
    /// An unsigned integer (`uintN`).
    case uint(UInt256)
    /// A signed integer (`intN`).
    case int(Int256)
    /// An address.
    case address(Address)
    /// A boolean.
    case bool(Bool)
    /// `bytesN`: exactly N bytes.
    case fixedBytes([UInt8])
    /// `bytes`.
    case bytes([UInt8])
    /// `string`.
    case string(String)
    /// `T[k]` or `T[]`.
    case array([ABIValue])
    /// A tuple.
    case tuple([ABIValue])

}
