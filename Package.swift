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
        .library(name: "ChainRPC", targets: ["ChainRPC"]),
        .library(name: "Signal", targets: ["Signal"]),
        .library(name: "SignalCrypto", targets: ["SignalCrypto"]),
        .library(name: "RepOpsBLAS", targets: ["RepOpsBLAS"]),
        .executable(name: "gensyn-doctor", targets: ["gensyn-doctor"]),
        .executable(name: "gensyn-bench", targets: ["gensyn-bench"]),
        .executable(name: "gensyn-repops", targets: ["gensyn-repops"]),
        .executable(name: "gensyn-delphi", targets: ["gensyn-delphi"]),
        .executable(name: "gensyn-verde", targets: ["gensyn-verde"]),
        .executable(name: "gensyn-chain", targets: ["gensyn-chain"]),
        .library(name: "SwarmGRPC", targets: ["SwarmGRPC"]),
        .executable(name: "gensyn-swarm", targets: ["gensyn-swarm"]),
        .executable(name: "gensyn-signal", targets: ["gensyn-signal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // Swarm's network transport only (SwarmGRPC, gensyn-swarm); Swarm itself has no network dependency.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),

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
        // OpenSSL libcrypto: benchmark baselines only (SHA3-256 vs our Keccak-256).
        .systemLibrary(
            name: "CGensynOpenSSL", path: "Sources/CGensynOpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev", "pkg-config"])]),
        .systemLibrary(
            name: "CGensynGMP", path: "Sources/CGensynGMP", pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev", "pkg-config"])]),

        // MARK: RepOps — deterministic ML. Hot loops in C with runtime ISA dispatch.
        .target(name: "CGensynRepOps", dependencies: ["CGensynKeccak"], path: "Sources/CGensynRepOps"),
        .target(name: "RepOps", dependencies: ["GensynPrimitives", "CGensynRepOps"]),
        // Opt-in fast, NON-deterministic backend on OpenBLAS.
        .target(name: "RepOpsBLAS", dependencies: ["RepOps", "CGensynOpenBLAS"]),

        // MARK: Other libraries.
        .target(name: "Delphi", dependencies: ["GensynPrimitives"]),
        .target(name: "Chain", dependencies: ["GensynPrimitives", "CGensynSecp256k1"]),
        // JSON-RPC client: its own target so the Chain codec has no networking dependency.
        .target(name: "ChainRPC", dependencies: ["Chain", "GensynPrimitives", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "Verde", dependencies: ["GensynPrimitives", "CGensynKeccak", "RepOps", "Chain"]),
        .target(name: "Swarm", dependencies: ["RepOps", "GensynPrimitives"]),
        .target(
            name: "SwarmGRPC",
            dependencies: [
                "Swarm",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ]),
        .target(name: "Signal", dependencies: ["RepOps", "GensynPrimitives"]),
        // Encryption at rest for Signal's store; the only Signal target that links swift-crypto.
        .target(name: "SignalCrypto", dependencies: ["Signal", .product(name: "Crypto", package: "swift-crypto")]),

        // MARK: Benchmarks: harness + one runner for every library's benchmarks.
        .target(name: "BenchmarkSupport", dependencies: ["GensynPrimitives"], path: "Benchmarks/BenchmarkSupport"),
        .target(
            name: "RepOpsBenchmarks",
            dependencies: ["BenchmarkSupport", "RepOps", "CGensynRepOps", "CGensynOpenBLAS"],
            path: "Benchmarks/RepOpsBenchmarks"),
        .target(name: "DelphiBenchmarks", dependencies: ["BenchmarkSupport", "Delphi"], path: "Benchmarks/DelphiBenchmarks"),
        .target(name: "VerdeBenchmarks", dependencies: ["BenchmarkSupport", "Verde", "RepOps"], path: "Benchmarks/VerdeBenchmarks"),
        .target(
            name: "SignalBenchmarks", dependencies: ["BenchmarkSupport", "Signal"],
            path: "Benchmarks/SignalBenchmarks"),
        .target(
            name: "ChainBenchmarks",
            dependencies: ["BenchmarkSupport", "Chain", "GensynPrimitives", "CGensynSecp256k1", "CGensynOpenSSL"],
            path: "Benchmarks/ChainBenchmarks"),
        .executableTarget(
            name: "gensyn-bench",
            dependencies: [
                "BenchmarkSupport", "GensynPrimitives", "RepOpsBenchmarks", "DelphiBenchmarks", "VerdeBenchmarks",
                "SignalBenchmarks", "ChainBenchmarks", "Swarm", "RepOps", "CGensynOpenBLAS",
            ],
            path: "Benchmarks/gensyn-bench"),

        // MARK: Tools and examples.
        .executableTarget(
            name: "gensyn-chain", dependencies: ["Chain", "ChainRPC", "GensynPrimitives"], path: "Examples/gensyn-chain"),
        .executableTarget(
            name: "gensyn-doctor",
            dependencies: ["CGensynRepOps", "CGensynOpenBLAS", "CGensynSecp256k1", "CGensynGMP"],
            path: "Tools/gensyn-doctor"),
        .executableTarget(
            name: "gensyn-repops",
            dependencies: ["RepOps", "RepOpsBenchmarks", "BenchmarkSupport", "GensynPrimitives"],
            path: "Examples/gensyn-repops"),
        .executableTarget(
            name: "gensyn-delphi", dependencies: ["Delphi", "DelphiBenchmarks", "BenchmarkSupport"],
            path: "Examples/gensyn-delphi", exclude: ["scripts"]),

        .executableTarget(name: "gensyn-verde", dependencies: ["Verde", "RepOps"], path: "Examples/gensyn-verde"),
        .executableTarget(name: "gensyn-swarm", dependencies: ["Swarm", "SwarmGRPC", "RepOps"], path: "Examples/gensyn-swarm"),
        .executableTarget(name: "gensyn-signal", dependencies: ["Signal", "RepOps"], path: "Examples/gensyn-signal"),


        // MARK: Tests. GensynTestSupport: vector paths and the Python oracle runner.
        .target(name: "GensynTestSupport", path: "Tests/GensynTestSupport"),
        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["CGensynOpenBLAS", "CGensynSecp256k1", "CGensynGMP", "GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "GensynPrimitivesTests", dependencies: ["GensynPrimitives", "CGensynKeccak", "GensynTestSupport"]),
        .testTarget(name: "KernelDispatchTests", dependencies: ["CGensynRepOps"]),
        .testTarget(name: "RepOpsMathTests", dependencies: ["RepOps", "CGensynRepOps", "GensynTestSupport"]),
        .testTarget(name: "BenchmarkSupportTests", dependencies: ["BenchmarkSupport"]),
        .testTarget(name: "RepOpsTests", dependencies: ["RepOps", "RepOpsBLAS", "CGensynRepOps", "GensynTestSupport"]),

        .testTarget(name: "RepOpsTrainingTests", dependencies: ["RepOps", "GensynPrimitives", "GensynTestSupport", "CGensynKeccak", "CGensynRepOps"]),
        .testTarget(name: "DelphiTests", dependencies: ["Delphi", "GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "VerdeTests", dependencies: ["Verde", "RepOps", "GensynTestSupport"]),
        // Child process for SignalTests' SIGKILL durability test.
        .executableTarget(name: "signal-crash-writer", dependencies: ["Signal"], path: "Tests/signal-crash-writer"),
        .testTarget(name: "SignalTests", dependencies: ["Signal", "SignalCrypto", "RepOps", "GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "ChainTests", dependencies: ["Chain", "GensynPrimitives", "GensynTestSupport"]),
        .testTarget(
            name: "ChainRPCTests", dependencies: ["ChainRPC", "Chain", "GensynPrimitives", "GensynTestSupport"],
            exclude: ["Fixtures"]),  // Vyper sources compiled at test time, read by path
        .testTarget(name: "SwarmTests", dependencies: ["Swarm", "SwarmGRPC", "RepOps", "GensynTestSupport"]),

    ],
    swiftLanguageModes: [.v6]
)
