import Foundation
import GensynTestSupport
import RepOps
import Testing

/// Differential tests against numpy in float64 (an independent implementation): GEMM with
/// bias, softmax, layernorm, GELU and cross-entropy on seeded inputs.
@Suite("numpy oracle")
struct NumpyOracleTests {
    static let script = #"""
import sys, json, numpy as np
from math import erf
d = json.load(sys.stdin)
a = np.array(d["a"], dtype=np.float64).reshape(d["m"], d["k"])
b = np.array(d["b"], dtype=np.float64).reshape(d["k"], d["n"])
bias = np.array(d["bias"], dtype=np.float64)
c = a @ b + bias
x = c - c.max(axis=1, keepdims=True)
sm = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
mu = c.mean(axis=1, keepdims=True)
ln = (c - mu) / np.sqrt(((c - mu) ** 2).mean(axis=1, keepdims=True) + 1e-5)
gelu = np.vectorize(lambda v: 0.5 * v * (1 + erf(v / np.sqrt(2))))(c)
lse = np.log(np.exp(x).sum(axis=1)) + c.max(axis=1)
ce = float(np.mean(lse - c[np.arange(d["m"]), d["targets"]]))
print(json.dumps({"c": c.ravel().tolist(), "softmax": sm.ravel().tolist(), "layernorm": ln.ravel().tolist(),
                  "gelu": gelu.ravel().tolist(), "ce": ce}))
"""#

    @Test("GEMM+bias, softmax, layernorm, GELU, cross-entropy agree with numpy float64")
    func differential() throws {
        try #require(PythonOracle.isAvailable, "the test venv is missing: run `make test`")
        var r = TestRandom(seed: 77)
        let (m, k, n) = (13, 40, 21)
        let a = r.tensor([m, k]), b = r.tensor([k, n]), bias = r.tensor([n])
        let targets = (0..<m).map { ($0 * 5) % n }
        func list(_ t: Tensor) -> String { "[" + t.scalars.map { "\(Double($0))" }.joined(separator: ",") + "]" }
        let input = "{\"m\": \(m), \"k\": \(k), \"n\": \(n), \"a\": \(list(a)), \"b\": \(list(b)), \"bias\": \(list(bias)), \"targets\": \(targets)}"
        let output = try PythonOracle.run(Self.script, input: input)
        struct Reference: Decodable { var c, softmax, layernorm, gelu: [Double]; var ce: Double }
        let ref = try JSONDecoder().decode(Reference.self, from: Data(output.utf8))
        let c = try a.matmul(b, bias: bias)
        for (got, exact) in zip(c.scalars, ref.c) { #expect(abs(Double(got) - exact) <= Double(k + 1) * 0x1p-23 * 40) }
        // Downstream ops see float32 C, so compare them with tolerances that include C's rounding.
        for (got, exact) in zip(try c.softmax().scalars, ref.softmax) { #expect(abs(Double(got) - exact) <= 1e-5) }
        for (got, exact) in zip(try c.layerNorm().scalars, ref.layernorm) { #expect(abs(Double(got) - exact) <= 1e-4) }
        for (got, exact) in zip(c.gelu().scalars, ref.gelu) { #expect(abs(Double(got) - exact) <= 1e-5 * max(1, abs(exact))) }
        #expect(abs(Double(try c.crossEntropy(targets: targets)) - ref.ce) <= 1e-5 * max(1, ref.ce))
    }
}
