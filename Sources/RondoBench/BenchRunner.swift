import Foundation
import RondoCore
import NIOCore
import NIOPosix

/// Runs one benchmark: connect everything (or fail), prefill, warm up, measure, report.
public struct BenchRunner: Sendable {
    public let configuration: BenchConfiguration
    let reportProblem: @Sendable (String) -> Void

    /// `reportProblem` receives connection trouble as it happens (the CLI prints it to stderr).
    public init(configuration: BenchConfiguration, reportProblem: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.reportProblem = reportProblem
    }

    public func run() async throws -> BenchReport {
        try configuration.validate()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        do {
            let report = try await run(on: group)
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// What a routing-aware run knows of the cluster: the shared table and when it was fetched.
    private final class Routing: Sendable {
        let table: RoutingTableBox
        /// The member each connection index talks to, `members[index % members.count]`.
        let members: [String]
        let servers: [ServerAddress]

        init(_ snapshot: RoutingTableSnapshot) {
            table = RoutingTableBox(snapshot)
            members = snapshot.nodes.map(\.memberID)
            servers = snapshot.nodes.map(\.address)
        }
    }

    private func run(on group: MultiThreadedEventLoopGroup) async throws -> BenchReport {
        if configuration.verify {
            return try await runVerifying(on: group)
        }
        let recorders = try await makeRecorders(group)
        var routing: Routing?
        if configuration.routingAware {
            routing = Routing(try await RoutingTableFetcher.fetch(from: configuration.servers[0], group: group))
        }
        let connections = try await makeConnections(recorders, servers: routing?.servers ?? configuration.servers)
        do {
            try await connectAll(connections)
            let prefillProblems = configuration.prefill ? try await prefill(connections, recorders) : nil
            let timeline = try await measure(connections, recorders, routing: routing, group: group)
            try await closeAll(connections)
            return BenchReport(
                setup: BenchReport.Setup(configuration),
                prefillProblems: prefillProblems,
                summary: BenchSummary(timeline.total, durationSeconds: timeline.elapsedSeconds),
                timeline: timeline.entries
            )
        } catch {
            try? await closeAll(connections)
            throw error
        }
    }

    struct LoopRecorderHandle: Sendable {
        var eventLoop: any EventLoop
        var recorder: NIOLoopBound<LoopRecorder>

        func takeInterval() async throws -> IntervalStatistics {
            try await eventLoop.submit { recorder.value.takeInterval() }.get()
        }
    }

    private struct ConnectionHandle: Sendable {
        var eventLoop: any EventLoop
        var connection: NIOLoopBound<BenchConnection>

        func onLoop<Result: Sendable>(_ body: @escaping @Sendable (BenchConnection) -> EventLoopFuture<Result>) -> EventLoopFuture<Result> {
            eventLoop.flatSubmit { body(connection.value) }
        }
    }

    /// One recorder per loop; a traced run splits the trace bound evenly between them.
    func makeRecorders(_ group: MultiThreadedEventLoopGroup, traceOperationsMax: Int = 0) async throws -> [LoopRecorderHandle] {
        var handles: [LoopRecorderHandle] = []
        let loops = Array(group.makeIterator())
        let traceCapacity = traceOperationsMax / max(1, loops.count)
        for eventLoop in loops {
            let recorder = try await eventLoop.submit { NIOLoopBound(LoopRecorder(traceCapacity: traceCapacity), eventLoop: eventLoop) }.get()
            handles.append(LoopRecorderHandle(eventLoop: eventLoop, recorder: recorder))
        }
        return handles
    }

    /// Connection `i` goes to server `i mod servers` on loop `i mod loops`: both spread evenly.
    private func makeConnections(_ recorders: [LoopRecorderHandle], servers: [ServerAddress]) async throws -> [ConnectionHandle] {
        let settings = BenchConnectionSettings(
            pipelineDepth: configuration.pipelineDepth,
            requestTimeout: .milliseconds(Int64(configuration.requestTimeoutMilliseconds)),
            encoder: MemcachedRequestEncoder(keyPrefix: configuration.keyPrefix, valueSizeBytes: configuration.valueSizeBytes),
            valueBytesMax: max(configuration.valueSizeBytes, BenchConfiguration.Limits.valueSizeBytesMax),
            reportProblem: reportProblem
        )
        var handles: [ConnectionHandle] = []
        handles.reserveCapacity(configuration.connections)
        for index in 0..<configuration.connections {
            let loop = recorders[index % recorders.count]
            let server = servers[index % servers.count]
            let eventLoop = loop.eventLoop
            let connection = try await eventLoop.submit {
                NIOLoopBound(
                    BenchConnection(index: index, server: server, eventLoop: eventLoop, settings: settings, recorder: loop.recorder.value),
                    eventLoop: eventLoop
                )
            }.get()
            handles.append(ConnectionHandle(eventLoop: eventLoop, connection: connection))
        }
        return handles
    }

    /// Fails with the first server that did not accept, after every attempt has finished.
    private func connectAll(_ connections: [ConnectionHandle]) async throws {
        let attempts = connections.map { handle in handle.onLoop { $0.connect() } }
        var firstFailure: (any Error)?
        for attempt in attempts {
            do {
                try await attempt.get()
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
    }

    private func prefill(_ connections: [ConnectionHandle], _ recorders: [LoopRecorderHandle]) async throws -> ErrorCounts {
        let count = connections.count
        let keyCount = configuration.keyCount
        let phases = connections.enumerated().map { index, handle in
            handle.onLoop { connection in
                connection.start(
                    source: PrefillWorkload(connectionIndex: index, connectionCount: count, keyCount: keyCount),
                    schedule: .closedLoop
                )
            }
        }
        for phase in phases {
            try await phase.get()
        }
        var problems = ErrorCounts()
        for recorder in recorders {
            let interval = try await recorder.takeInterval()
            problems.add(interval.errors)
            problems.connectionLost += interval.timeouts
        }
        return problems
    }

    private func measure(
        _ connections: [ConnectionHandle], _ recorders: [LoopRecorderHandle], routing: Routing?,
        group: MultiThreadedEventLoopGroup
    ) async throws -> TimelineAggregator {
        let start = NIODeadline.now()
        for (index, handle) in connections.enumerated() {
            let mixed = MixedWorkload(
                getRatio: configuration.getRatio,
                sampler: KeySampler(keyCount: configuration.keyCount, distribution: configuration.keyDistribution),
                seed: Self.connectionSeed(configuration.seed, index: index)
            )
            let schedule = configuration.targetOpsPerSecond.map {
                SendSchedule.openLoop(start: start, totalOpsPerSecond: $0, connectionIndex: index, connectionCount: connections.count)
            } ?? .closedLoop
            // The phase future only completes at stop(); nobody needs to wait on it.
            if let routing {
                let source = RoutedWorkload(
                    workload: mixed, table: routing.table, memberID: routing.members[index % routing.members.count],
                    keyPrefix: configuration.keyPrefix)
                _ = handle.onLoop { $0.start(source: source, schedule: schedule) }
            } else {
                _ = handle.onLoop { $0.start(source: mixed, schedule: schedule) }
            }
        }
        var lastFetch = NIODeadline.now()
        let timeline = try await collectTimeline(recorders, start: start) { snapshots, now in
            // A SERVER_ERROR may mean the table moved on: refetch, at most once a second.
            if let routing, snapshots.contains(where: { $0.errors.serverError > 0 }), now - lastFetch >= .seconds(1) {
                lastFetch = now
                await refetch(routing, group: group)
            }
        }
        for handle in connections {
            try await handle.onLoop { connection -> EventLoopFuture<Void> in
                connection.stop()
                return connection.eventLoop.makeSucceededVoidFuture()
            }.get()
        }
        return timeline
    }

    /// Discards the warmup, then takes every loop's interval once a second until the duration has
    /// passed (or the stop file appears) and merges them into the timeline.
    func collectTimeline(
        _ recorders: [LoopRecorderHandle], start: NIODeadline,
        afterInterval: ([IntervalStatistics], NIODeadline) async -> Void = { _, _ in }
    ) async throws -> TimelineAggregator {
        let measuredStart = start + Self.timeAmount(seconds: configuration.warmupSeconds)
        if configuration.warmupSeconds > 0 {
            try await Self.sleep(until: measuredStart)
            for recorder in recorders {
                _ = try await recorder.takeInterval()
            }
        }
        let end = measuredStart + Self.timeAmount(seconds: configuration.durationSeconds)
        var timeline = TimelineAggregator()
        var intervalStart = measuredStart
        var tick = 1
        while intervalStart < end {
            let intervalEnd = min(measuredStart + .seconds(Int64(tick)), end)
            try await Self.sleep(until: intervalEnd)
            var snapshots: [IntervalStatistics] = []
            for recorder in recorders {
                snapshots.append(try await recorder.takeInterval())
            }
            let now = NIODeadline.now()
            timeline.append(snapshots, intervalSeconds: Double((now - intervalStart).nanoseconds) / 1e9)
            await afterInterval(snapshots, now)
            intervalStart = now
            tick += 1
            if let stopFile = configuration.stopFilePath, FileManager.default.fileExists(atPath: stopFile) {
                break
            }
        }
        return timeline
    }

    private func refetch(_ routing: Routing, group: MultiThreadedEventLoopGroup) async {
        do {
            let snapshot = try await RoutingTableFetcher.fetch(from: configuration.servers[0], group: group, timeout: .seconds(1))
            if snapshot.epoch != routing.table.snapshot.epoch { routing.table.replace(with: snapshot) }
        } catch {
            reportProblem("rondo bench: refetching the routing table failed: \(error)")
        }
    }

    private func closeAll(_ connections: [ConnectionHandle]) async throws {
        let closing = connections.map { handle in handle.onLoop { $0.close() } }
        for future in closing {
            try await future.get()
        }
    }

    /// Distinct, well-mixed seeds per connection from one `--seed`.
    static func connectionSeed(_ seed: UInt64, index: Int) -> UInt64 {
        var mixer = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        return mixer.next()
    }

    static func timeAmount(seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(seconds * 1e9))
    }

    static func sleep(until deadline: NIODeadline) async throws {
        let remaining = deadline - NIODeadline.now()
        if remaining.nanoseconds > 0 {
            try await Task.sleep(nanoseconds: UInt64(remaining.nanoseconds))
        }
    }
}
