import Foundation
import Synchronization

/// Runs a built executable (an example CLI) to completion and collects its exit status, stdout
/// and stderr, for tests of command-line contracts.
public enum CommandRunner {
    /// The result of one run.
    public struct Output: Sendable {
        public let status: Int32
        public let out: String
        public let err: String
    }

    /// Runs `executable` with `arguments`, its environment this process's plus `environment`;
    /// stdout and stderr are read to the end, so a chatty command cannot block on a full pipe.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr concurrently: a process that fills the stderr pipe while we read stdout would deadlock.
        let collected = Collected()
        let done = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            let data = errHandle.readDataToEndOfFile()
            collected.data.withLock { $0 = data }
            done.signal()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return Output(status: process.terminationStatus, out: String(decoding: o, as: UTF8.self),
                      err: collected.data.withLock { String(decoding: $0, as: UTF8.self) })
    }
}

private final class Collected: Sendable {
    let data = Mutex(Data())
}
