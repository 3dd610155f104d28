// swift-tools-version: 6.0
//
// gensyn-swift: one SwiftPM product per library. System libraries are reached through
// `CGensyn*` targets (prefixed: module names collide across packages) and are linked only by
// the products that need them: importing RepOps or Delphi alone never pulls libsecp256k1,
// OpenBLAS or a network stack. No unsafe compiler flags (SwiftPM refuses them in dependencies): CPU
// specific code lives in C targets with `__attribute__((target(...)))` and runtime dispatch.
import PackageDescription

let package = Package(
    name: "gensyn-swift",
    products: [
        .library(name: "RepOps", targets: ["RepOps"]),
        .library(name: "Verde", targets: ["Verde"]),
        .library(name: "Swarm", targets: ["Swarm"]),
        .library(name: "Delphi", targets: ["Delphi"]),
        .library(name: "Chain", targets: ["Chain"]),
        .library(name: "Signal", targets: ["Signal"]),
        .library(name: "SignalCrypto", targets: ["SignalCrypto"]),
        .library(name: "RepOpsBLAS", targets: ["RepOpsBLAS"]),
        .executable(name: "gensyn-doctor", targets: ["gensyn-doctor"]),
        .executable(name: "gensyn-bench", targets: ["gensyn-bench"]),
        .executable(name: "gensyn-repops", targets: ["gensyn-repops"]),
        .executable(name: "gensyn-delphi", targets: ["gensyn-delphi"]),
        .executable(name: "gensyn-verde", targets: ["gensyn-verde"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: Shared primitives (Keccak-256, hex, 256-bit integers). No system library.
        .target(name: "CGensynKeccak", path: "Sources/CGensynKeccak"),
        .target(name: "GensynPrimitives", dependencies: ["CGensynKeccak"]),

        // MARK: System libraries (Debian packages), each behind its own prefixed module.
        .systemLibrary(
            name: "CGensynOpenBLAS", path: "Sources/CGensynOpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "pkg-config"])]),
        .systemLibrary(
            name: "CGensynSecp256k1", path: "Sources/CGensynSecp256k1", pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev", "pkg-config"])]),
        .systemLibrary(
            name: "CGensynGMP", path: "Sources/CGensynGMP", pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev", "pkg-config"])]),

        // MARK: RepOps — deterministic ML. Hot loops in C with runtime ISA dispatch.
        .target(name: "CGensynRepOps", path: "Sources/CGensynRepOps"),
        .target(name: "RepOps", dependencies: ["GensynPrimitives", "CGensynRepOps"]),
        // Opt-in fast, NON-deterministic backend on OpenBLAS.
        .target(name: "RepOpsBLAS", dependencies: ["RepOps", "CGensynOpenBLAS"]),

        // MARK: Other libraries.
        .target(name: "Delphi", dependencies: ["GensynPrimitives"]),
        .target(name: "Chain", dependencies: ["GensynPrimitives", "CGensynSecp256k1"]),
        .target(name: "Verde", dependencies: ["GensynPrimitives", "CGensynKeccak", "RepOps", "Chain"]),
        .target(name: "Swarm", dependencies: ["RepOps"]),
        .target(name: "Signal", dependencies: ["RepOps"]),
        // Encryption at rest for Signal's store; the only Signal target that links swift-crypto.
        .target(name: "SignalCrypto", dependencies: ["Signal", .product(name: "Crypto", package: "swift-crypto")]),

        // MARK: Benchmarks: harness + one runner for every library's benchmarks.
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
        .target(
            name: "RepOpsBenchmarks",
            dependencies: ["BenchmarkSupport", "RepOps", "CGensynRepOps", "CGensynOpenBLAS"],
            path: "Benchmarks/RepOpsBenchmarks"),
        .target(name: "DelphiBenchmarks", dependencies: ["BenchmarkSupport", "Delphi"], path: "Benchmarks/DelphiBenchmarks"),
        .target(name: "VerdeBenchmarks", dependencies: ["BenchmarkSupport", "Verde"], path: "Benchmarks/VerdeBenchmarks"),
        .target(
            name: "SignalBenchmarks", dependencies: ["BenchmarkSupport", "Signal"],
            path: "Benchmarks/SignalBenchmarks"),
        .executableTarget(
            name: "gensyn-bench",
            dependencies: [
                "BenchmarkSupport", "RepOpsBenchmarks", "DelphiBenchmarks", "VerdeBenchmarks", "SignalBenchmarks",
                "CGensynOpenBLAS",
            ],
            path: "Benchmarks/gensyn-bench"),

        // MARK: Tools and examples.
        .executableTarget(
            name: "gensyn-doctor",
            dependencies: ["CGensynRepOps", "CGensynOpenBLAS", "CGensynSecp256k1", "CGensynGMP"],
            path: "Tools/gensyn-doctor"),
        .executableTarget(
            name: "gensyn-repops",
            dependencies: ["RepOps", "RepOpsBenchmarks", "BenchmarkSupport"],
            path: "Examples/gensyn-repops"),
        .executableTarget(
            name: "gensyn-delphi", dependencies: ["Delphi", "DelphiBenchmarks", "BenchmarkSupport"],
            path: "Examples/gensyn-delphi", exclude: ["scripts"]),

        .executableTarget(name: "gensyn-verde", dependencies: ["Verde"], path: "Examples/gensyn-verde"),

        // MARK: Tests. GensynTestSupport: vector paths and the Python oracle runner.
        .target(name: "GensynTestSupport", path: "Tests/GensynTestSupport"),
        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["CGensynOpenBLAS", "CGensynSecp256k1", "CGensynGMP", "GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "GensynPrimitivesTests", dependencies: ["GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "KernelDispatchTests", dependencies: ["CGensynRepOps"]),
        .testTarget(name: "BenchmarkSupportTests", dependencies: ["BenchmarkSupport"]),
        .testTarget(name: "RepOpsTests", dependencies: ["RepOps", "RepOpsBLAS", "CGensynRepOps", "GensynTestSupport"]),
        .testTarget(name: "RepOpsTrainingTests", dependencies: ["RepOps", "GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "DelphiTests", dependencies: ["Delphi", "GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "VerdeTests", dependencies: ["Verde", "GensynTestSupport"]),
        // Child process for SignalTests' SIGKILL durability test.
        .executableTarget(name: "signal-crash-writer", dependencies: ["Signal"], path: "Tests/signal-crash-writer"),
        .testTarget(name: "SignalTests", dependencies: ["Signal", "SignalCrypto", "GensynTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
