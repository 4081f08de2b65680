// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so that the product's package does not depend on the
// benchmark framework. Run: `swift package benchmark --target StorageBenchmarks` in this folder.
let package = Package(
    name: "RondoBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise identified by its folder name (worktrees differ).
        .package(name: "rondo", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
    ],
    targets: [
        .executableTarget(
            name: "StorageBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RondoStorage", package: "rondo"),
                .product(name: "RondoCore", package: "rondo"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "StorageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ProtocolBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RondoProtocol", package: "rondo"),
                .product(name: "RondoEngine", package: "rondo"),
                .product(name: "RondoStorage", package: "rondo"),
                .product(name: "RondoCore", package: "rondo"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "ProtocolBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
