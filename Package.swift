// swift-tools-version: 6.1
import PackageDescription

// Layout (see docs/architecture.md): pure modules import NIOCore at most; only RondoServer,
// RondoBench and the `rondo` executable touch real sockets (NIOPosix).
let package = Package(
    name: "rondo",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rondo", targets: ["rondo"]),
        .library(name: "RondoCore", targets: ["RondoCore"]),
        .library(name: "RondoProtocol", targets: ["RondoProtocol"]),
        .library(name: "RondoStorage", targets: ["RondoStorage"]),
        .library(name: "RondoEngine", targets: ["RondoEngine"]),
        .library(name: "RondoCompression", targets: ["RondoCompression"]),
        .library(name: "RondoRing", targets: ["RondoRing"]),
        .library(name: "RondoPeer", targets: ["RondoPeer"]),
        .library(name: "RondoCluster", targets: ["RondoCluster"]),
        .library(name: "RondoCoordinator", targets: ["RondoCoordinator"]),
        .library(name: "RondoSimulation", targets: ["RondoSimulation"]),
        .library(name: "RondoPeerTransport", targets: ["RondoPeerTransport"]),
        .library(name: "RondoCoordinatorServer", targets: ["RondoCoordinatorServer"]),
        .library(name: "RondoGateway", targets: ["RondoGateway"]),
        .library(name: "RondoNode", targets: ["RondoNode"]),
        .library(name: "RondoNodeRuntime", targets: ["RondoNodeRuntime"]),
        .library(name: "RondoFiles", targets: ["RondoFiles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.30.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .target(
            name: "RondoCompression",
            dependencies: ["CLZ4", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(name: "RondoCore"),
        .target(name: "RondoFiles"),
        .target(name: "RondoRing", dependencies: ["RondoCore"]),
        .target(
            name: "RondoPeer",
            dependencies: ["RondoCore", "RondoCompression", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(name: "RondoCoordinator", dependencies: ["RondoCore", "RondoRing", "RondoPeer"]),
        .target(
            name: "RondoCluster",
            dependencies: [
                "RondoCore", "RondoRing", "RondoStorage", "RondoPeer", "RondoCompression",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RondoNode",
            dependencies: [
                "RondoCore", "RondoRing", "RondoPeer", "RondoStorage", "RondoCluster",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RondoSimulation",
            dependencies: [
                "RondoCore", "RondoRing", "RondoPeer", "RondoStorage", "RondoCluster", "RondoCoordinator", "RondoNode",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RondoProtocol",
            dependencies: ["RondoCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "RondoStorage",
            dependencies: [
                "RondoCore", "RondoCompression",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RondoEngine",
            dependencies: [
                "RondoCore", "RondoProtocol", "RondoStorage", "RondoCompression",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RondoGateway",
            dependencies: [
                "RondoCore", "RondoProtocol", "RondoEngine", "RondoStorage",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RondoServer",
            dependencies: [
                "RondoCore", "RondoProtocol", "RondoStorage", "RondoEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "RondoPeerTransport",
            dependencies: [
                "RondoCore", "RondoPeer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RondoCoordinatorServer",
            dependencies: [
                "RondoCore", "RondoRing", "RondoPeer", "RondoCoordinator", "RondoPeerTransport", "RondoServer", "RondoFiles",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "RondoBench",
            dependencies: [
                "RondoCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "rondo",
            dependencies: [
                "RondoCore", "RondoServer", "RondoBench", "RondoStorage",
                "RondoPeer", "RondoRing", "RondoCoordinator", "RondoPeerTransport", "RondoCoordinatorServer",
                "RondoNodeRuntime", "RondoNode", "RondoCluster", "RondoFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RondoNodeRuntime",
            dependencies: [
                "RondoCore", "RondoRing", "RondoPeer", "RondoStorage", "RondoCluster", "RondoNode", "RondoProtocol",
                "RondoEngine", "RondoGateway", "RondoPeerTransport", "RondoFiles",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "RondoNodeRuntimeTests",
            dependencies: [
                "RondoNodeRuntime", "RondoNode", "RondoCore", "RondoRing", "RondoPeer", "RondoStorage", "RondoCluster",
                "RondoProtocol", "RondoGateway", "RondoEngine", "RondoCoordinator", "RondoCoordinatorServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "RondoCoreTests", dependencies: ["RondoCore"]),
        .testTarget(name: "RondoFilesTests", dependencies: ["RondoFiles"]),
        .testTarget(name: "RondoRingTests", dependencies: ["RondoRing", "RondoCore"]),
        .testTarget(
            name: "RondoPeerTests",
            dependencies: [
                "RondoPeer", "RondoCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "RondoCoordinatorTests", dependencies: ["RondoCoordinator", "RondoRing", "RondoPeer", "RondoCore"]),
        .testTarget(
            name: "RondoClusterTests",
            dependencies: [
                "RondoCluster", "RondoCore", "RondoRing", "RondoStorage", "RondoPeer", "RondoSimulation",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RondoNodeTests",
            dependencies: [
                "RondoNode", "RondoCluster", "RondoCore", "RondoRing", "RondoStorage", "RondoPeer",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RondoSimulationTests",
            dependencies: ["RondoSimulation", "RondoCoordinator", "RondoCluster", "RondoCore"]
        ),
        .testTarget(
            name: "RondoCompressionTests",
            dependencies: ["RondoCompression", "RondoCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "RondoProtocolTests",
            dependencies: [
                "RondoProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RondoStorageTests",
            dependencies: ["RondoStorage", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "RondoEngineTests",
            dependencies: [
                "RondoEngine", "RondoProtocol", "RondoStorage", "RondoCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RondoServerTests",
            dependencies: [
                "RondoServer", "RondoProtocol", "RondoStorage", "RondoEngine", "RondoCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "RondoPeerTransportTests",
            dependencies: [
                "RondoPeerTransport", "RondoPeer", "RondoCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RondoCoordinatorServerTests",
            dependencies: [
                "RondoCoordinatorServer", "RondoCoordinator", "RondoPeerTransport", "RondoPeer", "RondoCore", "RondoRing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RondoGatewayTests",
            dependencies: [
                "RondoGateway", "RondoEngine", "RondoProtocol", "RondoStorage", "RondoCore", "RondoBench",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RondoBenchTests",
            dependencies: [
                "RondoBench",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Release builds skip the dynamic exclusivity checks (`swift_beginAccess`, ~10% of the node's user
// CPU on the get path under perf; see docs/benchmarks.md). Debug builds — and so every test — keep
// them, and static exclusivity enforcement is unaffected.
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
    ]
}
