import ArgumentParser
import Foundation
import RondoBench

/// `rondo bench`: drives memcached-protocol servers with a configurable get/set load and reports
/// throughput and latency.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load-test memcached-protocol servers (rondo nodes or memcached) and report throughput and latency.",
        discussion: """
            Closed loop by default: every connection keeps --pipeline requests in flight. With --rate the \
            load is open loop: requests follow a fixed schedule and latency counts from the intended send \
            time, so a server stall shows up in full instead of being hidden by a stalled client.
            Exits non-zero when a server cannot be reached at start.

            --verify checks what the servers return. Each connection is a worker that owns the keys i, \
            i+N, i+2N, … (N connections) and keeps one request in flight, so no two connections ever \
            write the same key and "the newest acknowledged write" of a key is never ambiguous. Every \
            set writes a value naming its key and a per-key write number; a read returning an older \
            write than the newest acknowledged before it was sent, or a miss after one, is a stale read. \
            A failed attempt (error reply, timeout, connection reset or refused) is retried once on the \
            next server of --servers; only a failed retry is a client error. After the load, every key \
            written is read back (same retry rule): a key whose newest acknowledged write is not \
            returned is a lost write. A server whose connection closed is passed over for 1 s (as \
            libmemcached's retry_timeout). Bookkeeping: 8 bytes per key. Exits non-zero on any client error, \
            stale read, corrupt value or lost write.
            """
    )

    @Option(help: "Comma-separated host:port list; connections are spread over them round-robin.")
    var servers: String = "127.0.0.1:11211"

    @Option(help: "Number of TCP connections (1...\(BenchConfiguration.Limits.connectionsMax)).")
    var connections: Int = 50

    @Option(help: "Requests in flight per connection (1...\(BenchConfiguration.Limits.pipelineDepthMax)).")
    var pipeline: Int = 1

    @Option(help: "Seconds of measured load, after the warmup (0.1...\(Int(BenchConfiguration.Limits.durationSecondsMax))).")
    var duration: Double = 10

    @Option(help: "Seconds of load before measuring starts (0...\(Int(BenchConfiguration.Limits.warmupSecondsMax))); excluded from the results.")
    var warmup: Double = 0

    @Option(name: .customLong("get-ratio"), help: "Fraction of operations that are gets (0...1); the rest are sets.")
    var getRatio: Double = 0.9

    @Option(help: "Number of distinct keys (1...\(BenchConfiguration.Limits.keyCountMax)).")
    var keys: Int = 100_000

    @Option(name: .customLong("key-prefix"), help: "Prefix of every key; the key index follows it in decimal.")
    var keyPrefix: String = "key:"

    @Option(name: .customLong("key-distribution"), help: "How keys are chosen: uniform or zipf.")
    var keyDistribution: KeyDistributionName = .uniform

    @Option(name: .customLong("zipf-s"), help: "Zipf exponent s for --key-distribution zipf; larger is more skewed.")
    var zipfS: Double = 0.99

    @Option(help: "Random seed; the same seed repeats the same operation sequence per connection.")
    var seed: UInt64 = 1

    @Option(name: .customLong("value-size"), help: "Bytes per value written by set (0...\(BenchConfiguration.Limits.valueSizeBytesMax)).")
    var valueSize: Int = 100

    @Option(help: "Target total ops/s for an open-loop run; omit for closed loop.")
    var rate: Double?

    @Flag(help: "Set every key once before the measured run, so gets hit.")
    var prefill: Bool = false

    @Option(help: "Write the summary and a per-second timeline as JSON to this file.")
    var json: String?

    @Option(name: .customLong("timeout-ms"), help: "Per-request timeout in milliseconds; a timed-out connection is reopened.")
    var timeoutMs: Int = 1_000

    @Option(help: "Event-loop threads of the load generator (default: one per core, at most one per connection).")
    var threads: Int?

    @Flag(
        name: .customLong("routing-aware"),
        help: "Fetch a Rondo cluster's routing table from the first --servers entry, connect to every node of it and send each key straight to its vnode's primary.")
    var routingAware: Bool = false

    @Flag(help: "Verify every read and read back every written key at the end (see below); implies --pipeline 1.")
    var verify: Bool = false

    @Option(help: "With --verify: write every measured operation (intended send time, latency, op, outcome, attempts, server, worker) as CSV to this file.")
    var trace: String?

    @Option(name: .customLong("stop-file"), help: "End the measured run early once this file exists (checked every second).")
    var stopFile: String?

    enum KeyDistributionName: String, ExpressibleByArgument, CaseIterable {
        case uniform
        case zipf
    }

    var benchConfiguration: BenchConfiguration {
        get throws {
            BenchConfiguration(
                servers: try ServerAddress.parseList(servers),
                connections: connections,
                pipelineDepth: pipeline,
                durationSeconds: duration,
                warmupSeconds: warmup,
                getRatio: getRatio,
                keyCount: keys,
                keyPrefix: keyPrefix,
                keyDistribution: keyDistribution == .zipf ? .zipf(exponent: zipfS) : .uniform,
                seed: seed,
                valueSizeBytes: valueSize,
                targetOpsPerSecond: rate,
                prefill: prefill,
                requestTimeoutMilliseconds: timeoutMs,
                eventLoopThreads: threads ?? max(1, min(ProcessInfo.processInfo.activeProcessorCount, connections)),
                routingAware: routingAware,
                verify: verify,
                stopFilePath: stopFile,
                traceOperationsMax: trace == nil ? 0 : BenchConfiguration.Limits.traceOperationsMax
            )
        }
    }

    func validate() throws {
        do {
            try benchConfiguration.validate()
        } catch let error as BenchConfigurationError {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let runner = BenchRunner(configuration: try benchConfiguration) { problem in
            Self.printError(problem)
        }
        let report: BenchReport
        do {
            report = try await runner.run()
        } catch let error as BenchError {
            Self.printError("rondo bench: \(error)")
            throw ExitCode.failure
        } catch let error as RoutingTableError {
            Self.printError("rondo bench: \(error)")
            throw ExitCode.failure
        }
        print(report.text)
        let errors = report.summary.errors.total + report.summary.timeouts
        if errors > 0 {
            Self.printError("rondo bench: \(report.summary.errors.total) errors and \(report.summary.timeouts) timeouts during the run")
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
            print("  json       \(json)")
        }
        if let trace, let log = report.operationTrace {
            try Data(log.csv.utf8).write(to: URL(fileURLWithPath: trace))
            print("  trace      \(trace) (\(log.operations.count) operations\(log.dropped > 0 ? ", \(log.dropped) over the bound not traced" : ""))")
        }
        if report.setup.verify, Self.verificationFailed(report) {
            Self.printError("rondo bench: verification failed (client errors, stale reads, corrupt values or lost writes above)")
            throw ExitCode.failure
        }
    }

    private static func verificationFailed(_ report: BenchReport) -> Bool {
        let v = report.summary.verification
        let readBack = report.readBack ?? ReadBackTally()
        return v.clientErrors + v.staleReads + v.corruptValues + readBack.lostWrites + readBack.corruptValues + readBack.keysUnverified > 0
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
