import Foundation
import NIOCore
import NIOPosix

extension BenchRunner {
    private struct WorkerHandle: Sendable {
        var eventLoop: any EventLoop
        var worker: NIOLoopBound<VerifyingWorker>

        func onLoop<Result: Sendable>(_ body: @escaping @Sendable (VerifyingWorker) -> EventLoopFuture<Result>) -> EventLoopFuture<Result> {
            eventLoop.flatSubmit { body(worker.value) }
        }
    }

    /// A verifying run: connect every worker to its server (or fail), prefill the workers' keys if
    /// asked, measure, let the operations in flight finish, then read back every written key.
    func runVerifying(on group: MultiThreadedEventLoopGroup) async throws -> BenchReport {
        let recorders = try await makeRecorders(group, traceOperationsMax: configuration.traceOperationsMax)
        let workers = try await makeWorkers(recorders)
        do {
            try await awaitAll(workers.map { handle in handle.onLoop { $0.connectPrimary() } })
            var prefillProblems: ErrorCounts?
            if configuration.prefill {
                try await awaitAll(workers.map { handle in handle.onLoop { $0.prefill() } })
                var problems = ErrorCounts()
                for recorder in recorders {
                    let interval = try await recorder.takeInterval()
                    problems.add(interval.errors)
                    problems.connectionLost += interval.timeouts
                }
                prefillProblems = problems
            }
            let measuredStartUnixSeconds = Date().timeIntervalSince1970 + configuration.warmupSeconds
            reportProblem("rondo bench: load started, measuring from unix time \(String(format: "%.3f", measuredStartUnixSeconds))")
            let start = NIODeadline.now()
            let phases = startLoad(workers, start: start)
            let timeline = try await collectTimeline(recorders, start: start)
            for handle in workers {
                try await handle.eventLoop.submit { handle.worker.value.stopIssuing() }.get()
            }
            try await awaitAll(phases)
            // Whatever finished after the last interval (the operations in flight at the stop).
            var tail = IntervalStatistics()
            for recorder in recorders {
                tail.add(try await recorder.takeInterval())
            }
            try await awaitAll(workers.map { handle in handle.onLoop { $0.readBackWrittenKeys() } })
            let trace = configuration.traceOperationsMax > 0
                ? try await collectTraces(recorders, measuredFrom: start + Self.timeAmount(seconds: configuration.warmupSeconds)) : nil
            var readBack = ReadBackTally()
            for handle in workers {
                readBack.add(try await handle.eventLoop.submit { handle.worker.value.readBack }.get())
            }
            try await closeWorkers(workers)
            var total = timeline.total
            total.verification.add(tail.verification)
            return BenchReport(
                setup: BenchReport.Setup(configuration),
                prefillProblems: prefillProblems,
                summary: BenchSummary(total, durationSeconds: timeline.elapsedSeconds),
                timeline: timeline.entries,
                measuredStartUnixSeconds: measuredStartUnixSeconds,
                readBack: readBack,
                operationTrace: trace
            )
        } catch {
            try? await closeWorkers(workers)
            throw error
        }
    }

    /// Worker `i` goes first to server `i mod servers` and lives on loop `i mod loops`.
    private func makeWorkers(_ recorders: [LoopRecorderHandle]) async throws -> [WorkerHandle] {
        let settings = BenchConnectionSettings(
            pipelineDepth: 1,
            requestTimeout: .milliseconds(Int64(configuration.requestTimeoutMilliseconds)),
            encoder: MemcachedRequestEncoder(keyPrefix: configuration.keyPrefix, valueSizeBytes: 0),
            valueBytesMax: max(configuration.valueSizeBytes + VerifiedValue.headerBytesMax, BenchConfiguration.Limits.valueSizeBytesMax),
            reportProblem: reportProblem
        )
        let count = configuration.connections
        let keyCount = configuration.keyCount
        let servers = configuration.servers
        let valueSizeBytes = configuration.valueSizeBytes
        var handles: [WorkerHandle] = []
        handles.reserveCapacity(count)
        for index in 0..<count {
            let loop = recorders[index % recorders.count]
            let eventLoop = loop.eventLoop
            let worker = try await eventLoop.submit {
                NIOLoopBound(
                    VerifyingWorker(
                        index: index, workerCount: count, keyCount: keyCount, servers: servers, eventLoop: eventLoop,
                        settings: settings, valueSizeBytes: valueSizeBytes, recorder: loop.recorder.value),
                    eventLoop: eventLoop)
            }.get()
            handles.append(WorkerHandle(eventLoop: eventLoop, worker: worker))
        }
        return handles
    }

    private func startLoad(_ workers: [WorkerHandle], start: NIODeadline) -> [EventLoopFuture<Void>] {
        workers.enumerated().map { index, handle in
            let workload = PartitionedWorkload(
                getRatio: configuration.getRatio, distribution: configuration.keyDistribution,
                ownedKeyCount: VerifyLedger.ownedKeyCount(workerIndex: index, workerCount: workers.count, keyCount: configuration.keyCount),
                workerIndex: index, workerCount: workers.count, seed: Self.connectionSeed(configuration.seed, index: index))
            let schedule = configuration.targetOpsPerSecond.map {
                SendSchedule.openLoop(start: start, totalOpsPerSecond: $0, connectionIndex: index, connectionCount: workers.count)
            } ?? .closedLoop
            return handle.onLoop { $0.load(workload, schedule: schedule) }
        }
    }

    /// The operations every loop traced, without the warm-up's (the timeline leaves them out too).
    private func collectTraces(_ recorders: [LoopRecorderHandle], measuredFrom: NIODeadline) async throws -> OperationTraceLog {
        var operations: [OperationTrace] = []
        var dropped = 0
        for handle in recorders {
            let taken = try await handle.eventLoop.submit { handle.recorder.value.takeTraces() }.get()
            operations += taken.traces.filter { $0.intendedSendUptimeNanoseconds >= measuredFrom.uptimeNanoseconds }
            dropped += taken.dropped
        }
        // One reading of both clocks maps uptime onto wall time for the CSV.
        let unixNow = Date().timeIntervalSince1970
        let uptimeNow = Double(NIODeadline.now().uptimeNanoseconds) / 1e9
        return OperationTraceLog(operations: operations, dropped: dropped, unixSecondsAtUptimeZero: unixNow - uptimeNow)
    }

    private func awaitAll(_ futures: [EventLoopFuture<Void>]) async throws {
        var firstFailure: (any Error)?
        for future in futures {
            do {
                try await future.get()
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
    }

    private func closeWorkers(_ workers: [WorkerHandle]) async throws {
        try await awaitAll(workers.map { handle in handle.onLoop { $0.close() } })
    }
}
