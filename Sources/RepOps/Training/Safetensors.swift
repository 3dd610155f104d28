import Foundation

/// safetensors import/export of parameters (the Hugging Face format: 8-byte little-endian header
/// length, a JSON header `{name: {"dtype", "shape", "data_offsets"}}`, then raw little-endian
/// data). RepOps writes F32 tensors in canonical name order with the header padded by spaces to
/// a multiple of 8 bytes; it reads F32 files from any writer.
extension ParameterSet {
    /// The parameters as a safetensors file.
    public func safetensorsBytes() -> [UInt8] {
        var offset = 0
        var entries: [String] = []
        for name in names {
            let t = tensors[name]!
            entries.append("\(jsonQuoted(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + 4 * t.count)]}")
            offset += 4 * t.count
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for name in names {
            for x in tensors[name]!.scalars { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }

    /// Parameters from a safetensors file; only F32 tensors are accepted.
    public init(safetensors bytes: [UInt8]) throws(CheckpointError) {
        guard bytes.count >= 8 else { throw CheckpointError(.truncated, "a safetensors file needs at least 8 bytes") }
        let n = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard n <= UInt64(bytes.count - 8) else { throw CheckpointError(.truncated, "header length \(n) exceeds the file") }
        let dataStart = 8 + Int(n)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) } catch {
            throw CheckpointError(.malformed, "the safetensors header is not JSON")
        }
        guard let header = json as? [String: Any] else { throw CheckpointError(.malformed, "the safetensors header is not a JSON object") }
        var set = ParameterSet()
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
                throw CheckpointError(.malformed, "tensor \(name): header entry needs dtype, shape and data_offsets")
            }
            guard dtype == "F32" else { throw CheckpointError(.malformed, "tensor \(name) has dtype \(dtype); only F32 is supported") }
            let count: Int
            do { count = try Tensor.elementCount(shape) } catch { throw CheckpointError(.malformed, "tensor \(name): \(error.message)") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end - begin == 4 * count, end <= bytes.count - dataStart else {
                throw CheckpointError(.malformed, "tensor \(name): data_offsets \(offsets) do not hold \(count) F32 values inside the file")
            }
            var scalars = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let p = dataStart + begin + 4 * i
                scalars[i] = Float(bitPattern: UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
            }
            set[name] = Tensor(uncheckedShape: shape, scalars: scalars)
        }
        self = set
    }
}

func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}
