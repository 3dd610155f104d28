import Foundation
import GensynPrimitives
import GensynTestSupport
import RepOps
import Testing

@Suite("RepOps safetensors")
struct SafetensorsTests {
    @Test func roundTripsAndRejectsBadFiles() throws {
        let p = try GPT(GPTConfig(vocabulary: 7, context: 3, width: 4, heads: 2, layers: 1)).initialParameters(seed: 3)
        let bytes = p.safetensorsBytes()
        #expect(try ParameterSet(safetensors: bytes) == p)
        #expect((bytes.count - 8 - 4 * p.scalarCount) % 8 == 0)
        #expect(throws: CheckpointError.self) { try ParameterSet(safetensors: Array(bytes.prefix(5))) }
        #expect(throws: CheckpointError.self) { try ParameterSet(safetensors: Array(bytes.dropLast(4))) }
        let f16 = Array(#"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#.utf8)
        #expect(throws: CheckpointError.self) { try ParameterSet(safetensors: withUnsafeBytes(of: UInt64(f16.count).littleEndian, Array.init) + f16 + [0, 0]) }
    }

    @Test(.enabled(if: PythonOracle.isAvailable))
    func interoperatesWithPythonSafetensors() throws {
        // Python writes → we read.
        let hex = try PythonOracle.run("""
            import numpy as np, sys
            from safetensors.numpy import save
            t = {"w": np.arange(6, dtype=np.float32).reshape(2, 3) / 7, "b": np.array([-0.0, 1e-40, 3.5], dtype=np.float32)}
            sys.stdout.write(save(t, metadata={"by": "python"}).hex())
            """).trimmingCharacters(in: .whitespacesAndNewlines)
        let fromPython = try ParameterSet(safetensors: Hex.decode(hex))
        #expect(fromPython["w"] == (try Tensor(shape: [2, 3], scalars: (0..<6).map { Float($0) / 7 })))
        #expect(fromPython["b"]!.scalars.map(\.bitPattern) == [Float(-0.0), 1e-40, 3.5].map(\.bitPattern))

        // We write → Python reads (values and shapes checked there, printed back).
        let ours = try GPT(GPTConfig(vocabulary: 5, context: 2, width: 4, heads: 1, layers: 1)).initialParameters(seed: 9)
        let out = try PythonOracle.run("""
            import sys
            from safetensors.numpy import load
            t = load(bytes.fromhex(sys.stdin.read().strip()))
            for k in sorted(t): print(k, list(t[k].shape), t[k].astype('<f4').tobytes().hex())
            """, input: Hex.encode(ours.safetensorsBytes()))
        let expected = ours.names.map { n in
            "\(n) [\(ours[n]!.shape.map(String.init).joined(separator: ", "))] " + Hex.encode(ours[n]!.scalars.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        }
        #expect(out.split(separator: "\n").map(String.init) == expected)
    }
}
