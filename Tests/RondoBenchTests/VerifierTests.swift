import NIOCore
import RondoCore
import Testing

@testable import RondoBench

/// The pure parts of `rondo bench --verify`: value encoding, the ledger's verdicts, the read-back
/// tally and the retry rule, without sockets.
@Suite struct VerifierTests {
    private func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    @Test func valuesRoundTripAtEverySize() {
        for size in [0, 1, 10, VerifiedValue.headerBytesMax, 100, 4_096] {
            let value = VerifiedValue(keyIndex: 123_456, writeNumber: 4_000_000_000)
            let bytes = value.bytes(sizeBytes: size)
            #expect(bytes.count == max(size, "rv:123456:4000000000;".utf8.count))
            #expect(VerifiedValue(decoding: buffer(bytes)) == value)
        }
        let largest = VerifiedValue(keyIndex: Int.max, writeNumber: .max)
        #expect(largest.bytes(sizeBytes: 0).count == VerifiedValue.headerBytesMax)
        #expect(VerifiedValue(decoding: buffer(largest.bytes(sizeBytes: 0))) == largest)
    }

    @Test func garbageNeverDecodes() {
        let garbage = [
            "", "rv", "rv:", "rv:1", "rv:1:", "rv:1:2", "rv::2;", "rv:1:;", "rv:-1:2;", "rv:1:2;y", "xx:1:2;",
            "rv:1:4294967296;", "rv:99999999999999999999:1;", "rv:1:2;xxxxxxxxxxxxxxxxxxx\r", "abcdefghijklmnopqrstuvwxyz",
        ]
        for text in garbage {
            #expect(VerifiedValue(decoding: buffer(Array(text.utf8))) == nil, "\(text)")
        }
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let bytes = (0..<generator.next(upperBound: UInt64(64))).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Random bytes either decode to a value that re-encodes to themselves or do not decode.
            if let value = VerifiedValue(decoding: buffer(bytes)) {
                #expect(value.bytes(sizeBytes: bytes.count) == bytes)
            }
        }
    }

    @Test func keysArePartitionedAmongWorkers() {
        var owned: [Int] = []
        for worker in 0..<7 {
            let ledger = VerifyLedger(workerIndex: worker, workerCount: 7, keyCount: 100)
            owned += (0..<ledger.ownedKeyCount).map(ledger.keyIndex(ofSlot:))
        }
        #expect(owned.sorted() == Array(0..<100))
        #expect(VerifyLedger(workerIndex: 0, workerCount: 3, keyCount: 0).ownedKeyCount == 0)

        var workload = PartitionedWorkload(
            getRatio: 0.5, distribution: .uniform,
            ownedKeyCount: VerifyLedger.ownedKeyCount(workerIndex: 2, workerCount: 7, keyCount: 100), workerIndex: 2, workerCount: 7, seed: 1)
        for _ in 0..<1_000 {
            let key = workload.nextOperation()!.keyIndex
            #expect(key % 7 == 2 && key < 100)
        }
    }

    @Test func readOfTheNewestAcknowledgedOrANewerWriteIsCurrent() {
        var ledger = VerifyLedger(workerIndex: 1, workerCount: 2, keyCount: 10)
        #expect(ledger.judgeRead(keyIndex: 3, result: .miss) == .current, "never written: a miss is right")
        let first = ledger.issueWrite(keyIndex: 3)
        ledger.acknowledge(keyIndex: 3, writeNumber: first)
        let second = ledger.issueWrite(keyIndex: 3)  // sent, never acknowledged
        #expect((first, second) == (1, 2))
        #expect(ledger.judgeRead(keyIndex: 3, result: .value(VerifiedValue(keyIndex: 3, writeNumber: 1))) == .current)
        #expect(ledger.judgeRead(keyIndex: 3, result: .value(VerifiedValue(keyIndex: 3, writeNumber: 2))) == .current)
    }

    @Test func olderWriteOrMissAfterAnAcknowledgedWriteIsStale() {
        var ledger = VerifyLedger(workerIndex: 0, workerCount: 1, keyCount: 5)
        for _ in 0..<3 {
            let write = ledger.issueWrite(keyIndex: 4)
            ledger.acknowledge(keyIndex: 4, writeNumber: write)
        }
        #expect(ledger.judgeRead(keyIndex: 4, result: .value(VerifiedValue(keyIndex: 4, writeNumber: 2))) == .stale)
        #expect(ledger.judgeRead(keyIndex: 4, result: .miss) == .stale)
        // A late acknowledgement of an older write does not move the newest one back.
        ledger.acknowledge(keyIndex: 4, writeNumber: 1)
        #expect(ledger.record(ofKey: 4) == VerifyLedger.Record(issued: 3, acknowledged: 3))
    }

    @Test func foreignOrGarbageValuesAreCorruptNotACrash() {
        var ledger = VerifyLedger(workerIndex: 0, workerCount: 2, keyCount: 10)
        let write = ledger.issueWrite(keyIndex: 2)
        ledger.acknowledge(keyIndex: 2, writeNumber: write)
        #expect(ledger.judgeRead(keyIndex: 2, result: .value(VerifiedValue(keyIndex: 4, writeNumber: 1))) == .corrupt)
        #expect(ledger.judgeRead(keyIndex: 2, result: .value(VerifiedValue(keyIndex: 2, writeNumber: 9))) == .corrupt, "never issued")
        #expect(ledger.judgeRead(keyIndex: 2, result: .value(VerifiedValue(keyIndex: 2, writeNumber: 0))) == .corrupt)
        #expect(ledger.judgeRead(keyIndex: 2, result: ReadResult(hitData: ByteBuffer(string: "abcabc"))) == .corrupt)
        #expect(ledger.judgeRead(keyIndex: 3, result: .miss) == .corrupt, "another worker's key")
        #expect(ledger.judgeRead(keyIndex: 400, result: .miss) == .corrupt, "beyond the key space")
        ledger.acknowledge(keyIndex: 3, writeNumber: 5)  // not ours: ignored, no crash
        #expect(ReadResult(hitData: nil) == .miss)
        #expect(ReadResult(hitData: ByteBuffer(bytes: VerifiedValue(keyIndex: 1, writeNumber: 2).bytes(sizeBytes: 50)))
            == .value(VerifiedValue(keyIndex: 1, writeNumber: 2)))
    }

    @Test func readBackCountsLostWritesAndAcceptsNewerUnacknowledgedOnes() {
        var ledger = VerifyLedger(workerIndex: 0, workerCount: 1, keyCount: 4)
        // Key 0: acknowledged 1, the server holds 1. Key 1: acknowledged 2, then an unacknowledged 3
        // the server applied. Key 2: acknowledged 2, the server lost it (holds 1). Key 3: flushed.
        for key in 0..<4 {
            ledger.acknowledge(keyIndex: key, writeNumber: ledger.issueWrite(keyIndex: key))
        }
        for key in 1..<3 {
            ledger.acknowledge(keyIndex: key, writeNumber: ledger.issueWrite(keyIndex: key))
        }
        _ = ledger.issueWrite(keyIndex: 1)
        #expect(ledger.writtenKeyIndices == [0, 1, 2, 3])
        var tally = ReadBackTally()
        tally.count(ledger.judgeRead(keyIndex: 0, result: .value(VerifiedValue(keyIndex: 0, writeNumber: 1))))
        tally.count(ledger.judgeRead(keyIndex: 1, result: .value(VerifiedValue(keyIndex: 1, writeNumber: 3))))
        tally.count(ledger.judgeRead(keyIndex: 2, result: .value(VerifiedValue(keyIndex: 2, writeNumber: 1))))
        tally.count(ledger.judgeRead(keyIndex: 3, result: .miss))
        #expect(tally.keysChecked == 4)
        #expect(tally.lostWrites == 2)
        #expect(tally.corruptValues == 0)
        var total = ReadBackTally()
        total.add(tally)
        total.add(tally)
        #expect(total.lostWrites == 4 && total.keysChecked == 8)
    }

    @Test func oneRetryOnTheNextServerThenAClientError() {
        var attempts = OperationAttempts(serverIndex: 4, serverCount: 5)
        #expect(!attempts.isRetry)
        #expect(attempts.failed() == .retry(serverIndex: 0))
        #expect(attempts.isRetry && attempts.serverIndex == 0)
        #expect(attempts.failed() == .clientError)
        #expect(attempts.failed() == .clientError)

        var avoiding = OperationAttempts(serverIndex: 1, serverCount: 5)
        #expect(avoiding.failed(isPassedOver: { $0 == 2 || $0 == 3 }) == .retry(serverIndex: 4), "servers seen failing are skipped")
        var allDown = OperationAttempts(serverIndex: 1, serverCount: 3)
        #expect(allDown.failed(isPassedOver: { _ in true }) == .retry(serverIndex: 2), "all excluded: the plain next one")

        var single = OperationAttempts(serverIndex: 0, serverCount: 1)
        #expect(single.failed() == .retry(serverIndex: 0), "with one server the retry goes to it again")
        #expect(single.failed() == .clientError)
    }

    @Test func verificationCountsReachTheTimelineAndTheSummary() {
        var second = IntervalStatistics()
        second.record(.get, .hit, latencyMicroseconds: 100)
        second.verification.retries = 3
        second.verification.clientErrors = 1
        second.verification.staleReads = 2
        var timeline = TimelineAggregator()
        timeline.append([second, second], intervalSeconds: 1)
        let entry = timeline.entries[0]
        #expect((entry.retries, entry.clientErrors, entry.staleReads) == (6, 2, 4))
        let summary = BenchSummary(timeline.total, durationSeconds: 1)
        #expect(summary.verification.retries == 6 && summary.verification.staleReads == 4)
    }

    @Test func verifyRejectsPipeliningRoutingAndTooFewKeys() {
        let server = ServerAddress(host: "127.0.0.1", port: 1)
        #expect(throws: BenchConfigurationError.self) {
            try BenchConfiguration(servers: [server], pipelineDepth: 2, verify: true).validate()
        }
        #expect(throws: BenchConfigurationError.self) {
            try BenchConfiguration(servers: [server], routingAware: true, verify: true).validate()
        }
        #expect(throws: BenchConfigurationError.self) {
            try BenchConfiguration(servers: [server], connections: 10, keyCount: 5, verify: true).validate()
        }
        #expect(throws: Never.self) {
            try BenchConfiguration(servers: [server], connections: 10, keyCount: 10, verify: true).validate()
        }
    }
}

/// `--trace`: the CSV form, the recorder's bound, the log's order.
@Suite struct OperationTraceTests {
    private func trace(at seconds: UInt64, latency: UInt32 = 250) -> OperationTrace {
        OperationTrace(
            intendedSendUptimeNanoseconds: seconds * 1_000_000_000 + 1_500, latencyMicroseconds: latency, kind: .set,
            outcome: .failed, attempts: 2, serverIndex: 3, workerIndex: 7)
    }

    @Test func ACSVLineNamesEveryFieldWithMicrosecondTime() {
        #expect(
            trace(at: 10).csvLine(unixSecondsAtUptimeZero: 1_700_000_000) == "1700000010.000002,250,set,client_error,2,3,7")
    }

    @Test func TheRecorderKeepsAtMostItsCapacityAndCountsTheRest() {
        let recorder = LoopRecorder(traceCapacity: 2)
        #expect(recorder.isTracing)
        for second in 1...5 { recorder.recordTrace(trace(at: UInt64(second))) }
        let taken = recorder.takeTraces()
        #expect(taken.traces.map(\.intendedSendUptimeNanoseconds) == [1_000_001_500, 2_000_001_500])
        #expect(taken.dropped == 3)
        #expect(recorder.takeTraces().traces.isEmpty, "taken away")
        #expect(!LoopRecorder().isTracing, "no capacity, no tracing")
    }

    @Test func TheLogIsInSendOrderWithAHeader() {
        let log = OperationTraceLog(operations: [trace(at: 2), trace(at: 1)], dropped: 0, unixSecondsAtUptimeZero: 0)
        #expect(log.csv.split(separator: "\n").map(String.init) == [
            OperationTrace.csvHeader, "1.000002,250,set,client_error,2,3,7", "2.000002,250,set,client_error,2,3,7",
        ])
    }
}
