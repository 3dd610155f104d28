import GensynTestSupport
import Signal
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fresh temporary directory, removed (recursively) by `remove()`.
struct TempDir {
    let path: String

    init() {
        var template = Array("/tmp/signal-test-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: p!)
    }

    var store: String { path + "/store" }

    func remove() {
        _ = system("rm -rf '\(path)'")
    }
}


func fileBytes(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "rb") else { return [] }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    let f = fopen(path, "wb")!
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}

func segmentFiles(_ dir: String) -> [String] {
    var names: [String] = []
    if let d = opendir(dir) {
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasPrefix("segment-") { names.append(dir + "/" + name) }
        }
        closedir(d)
    }
    return names.sorted()
}

/// Expects `body` to throw a `SignalError` with `code`.
func expectCode<T>(_ code: SignalError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws(SignalError) -> T) {
    do {
        _ = try body()
        Issue.record("expected SignalError.\(code), got success", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    }
}

func body(_ i: Int, size: Int = 40) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i &* 7) }
}
