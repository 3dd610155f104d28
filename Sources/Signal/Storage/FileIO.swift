#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over POSIX file calls that retry `EINTR` and turn failures into
/// ``SignalError`` (`ioFailure`) naming the path.
package enum FileIO {
    package static func errnoMessage(_ what: String, _ path: String) -> String {
        "\(what) \(path): \(String(cString: strerror(errno)))"
    }

    package static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    package static func makeDirectory(_ path: String) throws(SignalError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw SignalError(.ioFailure, errnoMessage("cannot create directory", path))
        }
    }

    /// Names of the entries of `directory` (no `.`/`..`).
    package static func list(_ directory: String) throws(SignalError) -> [String] {
        guard let dir = opendir(directory) else { throw SignalError(.ioFailure, errnoMessage("cannot list", directory)) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Makes a directory's entries (created, renamed, removed files) durable.
    package static func syncDirectory(_ path: String) throws(SignalError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw SignalError(.ioFailure, errnoMessage("cannot open directory", path)) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw SignalError(.ioFailure, errnoMessage("cannot fsync directory", path)) }
    }

    /// Whole file contents.
    package static func readAll(_ path: String) throws(SignalError) -> [UInt8] {
        let file = try FileHandle(path: path, flags: O_RDONLY)
        return try file.read(at: 0, count: try file.size())
    }

    /// Writes `bytes` to `path` atomically: temporary file, fsync, rename, fsync directory.
    package static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(SignalError) {
        let tmp = path + ".tmp"
        let file = try FileHandle(path: tmp, flags: O_RDWR | O_CREAT | O_TRUNC)
        try file.write(bytes, at: 0)
        try file.sync(dataOnly: false)
        guard rename(tmp, path) == 0 else { throw SignalError(.ioFailure, errnoMessage("cannot rename to", path)) }
        try syncDirectory(directory)
    }

    package static func remove(_ path: String) throws(SignalError) {
        if unlink(path) != 0 && errno != ENOENT { throw SignalError(.ioFailure, errnoMessage("cannot remove", path)) }
    }
}

/// An open file descriptor, closed in `deinit`.
// @unchecked: the descriptor is immutable and pread/pwrite/fsync are thread-safe system calls.
package final class FileHandle: @unchecked Sendable {
    package let fd: Int32
    package let path: String

    package init(path: String, flags: Int32) throws(SignalError) {
        let fd = open(path, flags | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SignalError(.ioFailure, FileIO.errnoMessage("cannot open", path)) }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    package func size() throws(SignalError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SignalError(.ioFailure, FileIO.errnoMessage("cannot stat", path)) }
        return Int(st.st_size)
    }

    package func write(_ bytes: [UInt8], at offset: Int) throws(SignalError) {
        try withBytes(bytes) { (raw) throws(SignalError) in try write(raw, at: offset) }
    }

    package func write(_ raw: UnsafeRawBufferPointer, at offset: Int) throws(SignalError) {
        var done = 0
        while done < raw.count {
            let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw SignalError(.ioFailure, FileIO.errnoMessage("cannot write", path))
            }
            done += n
        }
    }

    package func read(at offset: Int, count: Int) throws(SignalError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SignalError(.ioFailure, FileIO.errnoMessage("cannot read", path))
            }
            if n == 0 { out.removeLast(count - done); break }
            done += n
        }
        return out
    }

    /// `fdatasync` (data and the metadata needed to read it back, such as the size) or `fsync`.
    package func sync(dataOnly: Bool) throws(SignalError) {
        while (dataOnly ? fdatasync(fd) : fsync(fd)) != 0 {
            if errno == EINTR { continue }
            throw SignalError(.ioFailure, FileIO.errnoMessage("cannot sync", path))
        }
    }

    package func truncate(to size: Int) throws(SignalError) {
        guard ftruncate(fd, off_t(size)) == 0 else { throw SignalError(.ioFailure, FileIO.errnoMessage("cannot truncate", path)) }
    }

    /// Exclusive advisory lock, released when the descriptor closes (also on SIGKILL).
    package func lockExclusive() -> Bool {
        flock(fd, LOCK_EX | LOCK_NB) == 0
    }
}

/// `withUnsafeBytes` that keeps a typed error (the standard one rethrows `any Error`).
@inline(__always)
package func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(SignalError) -> R) throws(SignalError) -> R {
    let result = bytes.withUnsafeBytes { raw -> Result<R, SignalError> in
        do throws(SignalError) { return .success(try body(raw)) } catch { return .failure(error) }
    }
    return try result.get()
}
