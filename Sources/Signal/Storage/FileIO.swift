import Synchronization

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

    /// False after ``release()`` (only touched by the handle's single owner).
    private var isOpen = true

    package init(path: String, flags: Int32) throws(SignalError) {
        let fd = open(path, flags | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SignalError(.ioFailure, FileIO.errnoMessage("cannot open", path)) }
        self.fd = fd
        self.path = path
    }

    /// Closes the descriptor now (idempotent); the handle must not be used afterwards.
    package func release() {
        guard isOpen else { return }
        isOpen = false
        close(fd)
    }

    deinit { release() }

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

}

/// The one-writer lock of a store directory: a process-wide registry (POSIX record locks do not
/// conflict within a process) plus an `fcntl` write lock on `LOCK` against other processes.
/// Unlike `flock`, the record lock is not inherited across `fork`, so a child forked by the app
/// (e.g. `system`) can never keep a closed store locked. Released in `deinit` (and by the kernel
/// when the process dies, also on SIGKILL).
package final class StoreLock: Sendable {
    private static let held = Mutex<Set<[UInt64]>>([])
    private let key: [UInt64]
    private let fd: Int32
    private let released = Mutex(false)

    package init(directory: String) throws(SignalError) {
        var st = stat()
        guard stat(directory, &st) == 0 else { throw SignalError(.ioFailure, FileIO.errnoMessage("cannot stat", directory)) }
        let key = [UInt64(st.st_dev), UInt64(st.st_ino)]
        let busy = SignalError(.storeLocked, "\(directory) is open in another process or SignalStore; close it first")
        guard Self.held.withLock({ $0.insert(key).inserted }) else { throw busy }
        let fd = open(directory + "/LOCK", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let error = SignalError(.ioFailure, FileIO.errnoMessage("cannot open", directory + "/LOCK"))
            _ = Self.held.withLock { $0.remove(key) }
            throw error
        }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        guard fcntl(fd, F_SETLK, &lock) == 0 else {
            close(fd)
            _ = Self.held.withLock { $0.remove(key) }
            throw busy
        }
        self.fd = fd
        self.key = key
    }

    /// Releases the lock now (idempotent).
    package func release() {
        guard released.withLock({ r in defer { r = true }; return !r }) else { return }
        // Close (releasing the record lock) before another SignalStore in this process may take
        // the directory: closing any descriptor of LOCK would drop that one's lock too.
        close(fd)
        _ = Self.held.withLock { $0.remove(key) }
    }

    deinit { release() }
}

/// `withUnsafeBytes` that keeps a typed error (the standard one rethrows `any Error`).
@inline(__always)
package func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(SignalError) -> R) throws(SignalError) -> R {
    let result = bytes.withUnsafeBytes { raw -> Result<R, SignalError> in
        do throws(SignalError) { return .success(try body(raw)) } catch { return .failure(error) }
    }
    return try result.get()
}
