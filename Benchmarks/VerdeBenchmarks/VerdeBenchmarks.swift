import BenchmarkSupport
import Verde

/// Every Verde benchmark, run by `gensyn-bench`.
public enum VerdeBenchmarks {
    public static func all() -> [Benchmark] {
        MerkleBenchmarks.all() + [DisputeBenchmarks.refereeVersusJob(steps: 1024)]
    }
}

/// Merkle roots against the lower bound of any commitment: one Keccak-256 pass over all the
/// leaf bytes (no tree, no proofs possible).
enum MerkleBenchmarks {
    static func all() -> [Benchmark] {
        var out: [Benchmark] = []
        for n in [1024, 65536] {
            // Root over already-hashed leaves (a job tree over step commitments, a trace tree).
            let hashes = (0..<n).map { Digest.keccak(withUnsafeBytes(of: UInt64($0)) { Array($0) }) }
            let flat = hashes.flatMap(\.bytes)
            out.append(Benchmark(
                name: "merkle_root_digests_n\(n)", unit: "Mleaves/s", work: Double(n) / 1e6,
                ours: { blackHole(MerkleTree.root(ofLeafHashes: hashes)) },
                baseline: { blackHole(flat.withUnsafeBytes { Digest.keccak($0) }) }))
        }
        // Whole tree with proofs kept, from 96-byte leaves (a checkpoint's name + digest).
        let n = 16384
        let leaves = (0..<n).map { NamedTensor(name: "layers.\($0).weight", digest: .keccak([UInt8($0 & 255)])).encoded }
        let flat = leaves.flatMap { $0 }
        out.append(Benchmark(
            name: "merkle_tree_leaves96B_n\(n)", unit: "Mleaves/s", work: Double(n) / 1e6,
            ours: { blackHole(MerkleTree(leaves: leaves).root) },
            baseline: { blackHole(flat.withUnsafeBytes { Digest.keccak($0) }) }))
        return out
    }
}

/// The referee's side of Verde against what a referee without it would do: re-run the job.
enum DisputeBenchmarks {
    /// Ours: a whole dispute over a `steps`-step synthetic job (referee and both responders, in
    /// memory); baseline: re-executing the job once (the synthetic trainer). Lower is better (ms).
    static func refereeVersusJob(steps: Int) -> Benchmark {
        let model = SyntheticModel(parameterCount: 8)
        let job = try! model.job(steps: steps, seed: 42)
        let honest = try! SyntheticTrainer(job: job)
        let cheater = try! SyntheticTrainer(job: job, fault: .bitflip(step: steps / 2 + 1, op: 5))
        return Benchmark(
            name: "dispute_vs_rerun_steps\(steps)", unit: "ms", work: 1000, lowerIsBetter: true,
            ours: { blackHole(LocalDispute.run(job: job, a: honest, b: cheater, reexecutor: SyntheticReexecutor()).rounds) },
            baseline: { blackHole(try! SyntheticTrainer(job: job).commitment.root) })
    }
}
