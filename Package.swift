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
        .library(name: "RepOpsBLAS", targets: ["RepOpsBLAS"]),
        .executable(name: "gensyn-doctor", targets: ["gensyn-doctor"]),
        .executable(name: "gensyn-bench", targets: ["gensyn-bench"]),
        .library(name: "SwarmGRPC", targets: ["SwarmGRPC"]),
        .executable(name: "gensyn-swarm", targets: ["gensyn-swarm"]),
    ],
    dependencies: [
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
        .target(name: "Verde", dependencies: ["RepOps", "Chain"]),
        .target(name: "Swarm", dependencies: ["RepOps"]),
        .target(
            name: "SwarmGRPC",
            dependencies: [
                "Swarm",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ]),
        .target(name: "Signal", dependencies: ["RepOps"]),

        // MARK: Benchmarks: harness + one runner for every library's benchmarks.
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
        .target(
            name: "RepOpsBenchmarks",
            dependencies: ["BenchmarkSupport", "RepOps", "CGensynRepOps", "CGensynOpenBLAS"],
            path: "Benchmarks/RepOpsBenchmarks"),
        .executableTarget(
            name: "gensyn-bench",
            dependencies: ["BenchmarkSupport", "RepOpsBenchmarks", "CGensynOpenBLAS", "Swarm"],
            path: "Benchmarks/gensyn-bench"),

        // MARK: Tools and examples.
        .executableTarget(
            name: "gensyn-doctor",
            dependencies: ["CGensynRepOps", "CGensynOpenBLAS", "CGensynSecp256k1", "CGensynGMP"],
            path: "Tools/gensyn-doctor"),
        .executableTarget(name: "gensyn-swarm", dependencies: ["Swarm", "SwarmGRPC"], path: "Examples/gensyn-swarm"),

        // MARK: Tests. GensynTestSupport: vector paths and the Python oracle runner.
        .target(name: "GensynTestSupport", path: "Tests/GensynTestSupport"),
        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["CGensynOpenBLAS", "CGensynSecp256k1", "CGensynGMP", "GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "GensynPrimitivesTests", dependencies: ["GensynPrimitives", "GensynTestSupport"]),
        .testTarget(name: "KernelDispatchTests", dependencies: ["CGensynRepOps"]),
        .testTarget(name: "BenchmarkSupportTests", dependencies: ["BenchmarkSupport"]),
        .testTarget(name: "SwarmTests", dependencies: ["Swarm", "SwarmGRPC", "GensynTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
