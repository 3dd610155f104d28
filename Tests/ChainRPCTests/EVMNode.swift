import Foundation
import GensynTestSupport

struct NodeStartFailure: Error, CustomStringConvertible { let description: String }

/// Starts Tools/evm-node/server.py (py-evm via eth-tester) on a free loopback port; stops it on `stop()`.
final class EVMNode: @unchecked Sendable {
    let process = Process()
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    init() throws {
        guard let python = PythonOracle.interpreter else { throw NodeStartFailure(description: "no venv") }
        process.executableURL = python
        process.arguments = [TestVectors.projectRoot.appendingPathComponent("Tools/evm-node/server.py").path, "--port", "0", "--host", "127.0.0.1"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The server prints `LISTENING <port>` once bound.
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(0x0a) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("LISTENING "), let p = Int(text.dropFirst(10).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw NodeStartFailure(description: "evm-node did not start: \(text)")
        }
        port = p
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<40 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Compiles a Vyper fixture with the venv's vyper: (ABI JSON, bytecode hex).
    static func compile(_ fixture: String) throws -> (abi: String, bytecode: String) {
        let path = TestVectors.projectRoot.appendingPathComponent("Tests/ChainRPCTests/Fixtures/\(fixture)").path
        let out = try PythonOracle.run("""
            import subprocess, sys, os
            vyper = os.path.join(os.path.dirname(sys.executable), 'vyper')
            print(subprocess.run([vyper, '-f', 'abi,bytecode', sys.argv[1] if len(sys.argv) > 1 else \(String(reflecting: path))],
                                 check=True, capture_output=True, text=True).stdout)
            """)
        let lines = out.split(separator: "\n").map(String.init)
        return (lines[0], lines[1])
    }
}
