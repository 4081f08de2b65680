import Testing

@testable import RondoBench

@Suite struct BenchConfigurationTests {
    private let server = ServerAddress(host: "127.0.0.1", port: 11211)

    private func rejection(_ change: (inout BenchConfiguration) -> Void) -> BenchConfigurationError? {
        var configuration = BenchConfiguration(servers: [server])
        change(&configuration)
        do {
            try configuration.validate()
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsAreValid() {
        #expect(rejection { _ in } == nil)
    }

    @Test func everyBoundIsEnforced() {
        let cases: [(String, (inout BenchConfiguration) -> Void)] = [
            ("--servers", { $0.servers = [] }),
            ("--connections", { $0.connections = 0 }),
            ("--connections", { $0.connections = BenchConfiguration.Limits.connectionsMax + 1 }),
            ("--pipeline", { $0.pipelineDepth = BenchConfiguration.Limits.pipelineDepthMax + 1 }),
            ("--duration", { $0.durationSeconds = 0 }),
            ("--duration", { $0.durationSeconds = .nan }),
            ("--warmup", { $0.warmupSeconds = -1 }),
            ("--get-ratio", { $0.getRatio = 1.5 }),
            ("--keys", { $0.keyCount = 0 }),
            ("--value-size", { $0.valueSizeBytes = BenchConfiguration.Limits.valueSizeBytesMax + 1 }),
            ("--timeout-ms", { $0.requestTimeoutMilliseconds = 0 }),
            ("--threads", { $0.eventLoopThreads = 0 }),
            ("--rate", { $0.targetOpsPerSecond = 0 }),
            ("--zipf-s", { $0.keyDistribution = .zipf(exponent: 0) }),
            ("--trace", { $0.traceOperationsMax = 1 }),  // without --verify
            ("--trace", {
                $0.verify = true
                $0.traceOperationsMax = BenchConfiguration.Limits.traceOperationsMax + 1
            }),
        ]
        for (flag, change) in cases {
            guard case .outOfRange(let reported, _, _) = rejection(change) else {
                Issue.record("\(flag) was not rejected")
                continue
            }
            #expect(reported == flag)
        }
    }

    @Test func keyPrefixMustMakeValidKeys() {
        #expect(rejection { $0.keyPrefix = "has space" } == .invalidKeyPrefix("has space", reason: "keys may not contain spaces or control characters"))
        #expect(rejection { $0.keyPrefix = "tab\t" } != nil)
        // 245 bytes of prefix + 6 digits for key 999999 > 250.
        #expect(rejection { $0.keyPrefix = String(repeating: "k", count: 245); $0.keyCount = 1_000_000 } != nil)
        #expect(rejection { $0.keyPrefix = String(repeating: "k", count: 245); $0.keyCount = 100_000 } == nil)
    }

    @Test func serverListsParse() throws {
        let servers = try ServerAddress.parseList("127.0.0.1:11211,localhost:1,[::1]:22")
        #expect(servers == [
            ServerAddress(host: "127.0.0.1", port: 11211),
            ServerAddress(host: "localhost", port: 1),
            ServerAddress(host: "::1", port: 22),
        ])
        #expect(servers[2].description == "[::1]:22")
    }

    @Test(arguments: ["localhost", ":11211", "host:0", "host:65536", "host:port"])
    func badServersAreRejected(text: String) {
        #expect(throws: BenchConfigurationError.self) { try ServerAddress.parseList(text) }
    }
}
