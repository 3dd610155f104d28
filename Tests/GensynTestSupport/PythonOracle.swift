import Foundation

/// Runs a Python snippet in the test virtual environment (`.venv/`, made by `scripts/bootstrap`),
/// feeding `input` on stdin and returning stdout. Differential tests use it to ask independent
/// oracles (eth-abi, rlp, eth-account, coincurve, mpmath, decimal).
public enum PythonOracle {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `.venv/bin/python`, or nil when the venv has not been created (run `make test`).
    public static var interpreter: URL? {
        let url = TestVectors.projectRoot.appendingPathComponent(".venv/bin/python")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    public static var isAvailable: Bool { interpreter != nil }

    /// Runs `script` with `python -c`; throws with stderr when it exits non-zero.
    public static func run(_ script: String, input: String = "") throws -> String {
        guard let python = interpreter else {
            throw Failure(description: "the test venv is missing: run `make test` (scripts/bootstrap creates .venv)")
        }
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write input and read output concurrently so large payloads cannot deadlock the pipes.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errData = LockedData()
        let errReader = Thread { errData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        errReader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errData.get() == nil { usleep(1000) }
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python exited \(process.terminationStatus): \(String(decoding: errData.get() ?? Data(), as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Data?
    func set(_ data: Data) { lock.lock(); value = data; lock.unlock() }
    func get() -> Data? { lock.lock(); defer { lock.unlock() }; return value }
}
