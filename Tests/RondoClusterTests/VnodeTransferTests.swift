import NIOCore
import RondoCluster
import RondoPeer
import RondoRing
import RondoStorage
import XCTest

final class VnodeTransferTests: XCTestCase {
    private let vnode = 5

    private func fill(_ store: ItemStore, count: Int, valueBytes: Int = 100) -> [ByteBuffer] {
        let keys = keys(inVnode: vnode, of: store, count: count)
        for (index, key) in keys.enumerated() {
            _ = store.store(key, value: bytes(String(repeating: "\(index % 10)", count: valueBytes)), flags: UInt32(index), expiresAt: 0, mode: .set)
        }
        return keys
    }

    private func unlimitedThrottle() -> TransferThrottle {
        TransferThrottle(bytesPerSecond: TransferThrottle.bytesPerSecondMax, burstBytes: 1 << 30, now: instant(0))
    }

    /// Runs the source to the end at time 0, sending every batch through a peer frame.
    private func drain(_ source: inout VnodeTransferSource, into target: inout VnodeTransferTarget) throws -> [ReplicaAction] {
        var throttle = unlimitedThrottle()
        var actions: [ReplicaAction] = []
        for _ in 0..<10_000 {
            switch source.nextBatch(now: instant(0), throttle: &throttle) {
            case .send(let batch): actions += try target.receive(TransferBatch(decoding: batch.frame()))
            case .waitUntil(let time): XCTFail("unlimited throttle waited until \(time)")
            case .finished: return actions
            }
        }
        XCTFail("transfer did not finish")
        return actions
    }

    func testTransferCopiesEveryItemWithCASAndRespectsTheBatchByteCap() throws {
        let source = makeClusterStore()
        let filled = fill(source, count: 300)
        let other = keys(inVnode: vnode + 1, of: source, count: 5, prefix: "other")
        for key in other { _ = source.store(key, value: bytes("x"), flags: 0, expiresAt: 0, mode: .set) }
        let destination = makeClusterStore()
        let leftover = keys(inVnode: vnode, of: destination, count: 1, prefix: "leftover")[0]
        _ = destination.store(leftover, value: bytes("old"), flags: 0, expiresAt: 0, mode: .set)
        var transfer = VnodeTransferSource(
            vnode: vnode, store: source, snapshotSequence: 42, configuration: TransferSourceConfiguration(batchBytesMax: 4096, itemsPerExportStepMax: 7))
        var target = VnodeTransferTarget(vnode: vnode, store: destination)
        XCTAssertNil(destination.peek(leftover), "the target starts the vnode empty")
        var throttle = unlimitedThrottle()
        var bodies: [Int] = []
        var actions: [ReplicaAction] = []
        while case .send(let batch) = transfer.nextBatch(now: instant(0), throttle: &throttle) {
            bodies.append(batch.items.readableBytes)
            actions += try target.receive(batch)
        }
        XCTAssertTrue(bodies.dropLast().allSatisfy { $0 <= 4096 && $0 > 2048 }, "\(bodies)")
        XCTAssertEqual(actions.first, .caughtUp(vnode: vnode, sequence: 42))
        XCTAssertEqual(target.appliedThrough, 42)
        XCTAssertEqual(destination.itemCount(inVnode: vnode), 300)
        XCTAssertEqual(destination.itemCount(inVnode: vnode + 1), 0, "only the vnode moves")
        for key in filled {
            XCTAssertEqual(destination.peek(key)?.cas, source.peek(key)?.cas)
            XCTAssertEqual(destination.peek(key)?.value, source.peek(key)?.value)
        }
        XCTAssertEqual(transfer.itemsSent, 300)
    }

    /// Writes during the transfer reach the target as replication entries (it is a pending replica
    /// from the start); replayed after the snapshot they leave it equal to the primary.
    func testWritesDuringTheTransferAreReplayedAfterTheSnapshot() throws {
        let store = makeClusterStore()
        let keys = fill(store, count: 60)
        let target = MemberID(7)
        var primary = VnodePrimaryReplicator(vnode: vnode, startingSequence: 10, configuration: ReplicationConfiguration(writeAckPolicy: .one))
        let snapshotSequence = primary.beginTransfer(to: target, now: instant(0))
        XCTAssertEqual(snapshotSequence, 10)
        var source = VnodeTransferSource(vnode: vnode, store: store, snapshotSequence: snapshotSequence,
            configuration: TransferSourceConfiguration(batchBytesMax: 1024))
        let destination = makeClusterStore()
        var receiver = VnodeTransferTarget(vnode: vnode, store: destination)
        var throttle = unlimitedThrottle()
        var writes: UInt64 = 0
        func writeThrough(_ key: ByteBuffer, delete: Bool) throws {
            writes += 1
            if delete { _ = store.delete(key) } else { _ = store.store(key, value: bytes("new\(writes)"), flags: 9, expiresAt: 0, mode: .set) }
            _ = try primary.write(WriteID(writes), key: key, change: ReplicationChange(capturing: store.peek(key)), now: instant(0))
            for case .send(let batch, to: target) in primary.flush(now: instant(0)) {
                XCTAssertTrue(receiver.receive(try batch.decodedEntries()).isEmpty, "nothing is acked during the snapshot")
            }
        }
        var finalActions: [ReplicaAction] = []
        var step = 0
        while case .send(let batch) = source.nextBatch(now: instant(0), throttle: &throttle) {
            try writeThrough(keys[step % keys.count], delete: step % 3 == 0)
            try writeThrough(keys[(step * 7 + 1) % keys.count], delete: false)
            finalActions += try receiver.receive(batch)
            step += 1
        }
        XCTAssertEqual(finalActions.first, .caughtUp(vnode: vnode, sequence: 10 + writes))
        XCTAssertEqual(finalActions.last, .acknowledge(vnode: vnode, through: 10 + writes))
        for key in keys {
            XCTAssertEqual(destination.peek(key)?.value, store.peek(key)?.value)
            XCTAssertEqual(destination.peek(key)?.cas, store.peek(key)?.cas)
        }
        XCTAssertEqual(destination.itemCount(inVnode: vnode), store.itemCount(inVnode: vnode))
    }

    func testEmptyVnodeTransfersAsOneLastBatch() throws {
        var source = VnodeTransferSource(vnode: vnode, store: makeClusterStore(), snapshotSequence: 0)
        var target = VnodeTransferTarget(vnode: vnode, store: makeClusterStore())
        XCTAssertEqual(try drain(&source, into: &target), [.caughtUp(vnode: vnode, sequence: 0), .acknowledge(vnode: vnode, through: 0)])
        XCTAssertEqual(source.nextBatchIndex, 1)
    }

    func testBatchesOutOfOrderOrAfterTheLastAreTypedErrors() throws {
        let store = makeClusterStore()
        _ = fill(store, count: 50)
        var source = VnodeTransferSource(vnode: vnode, store: store, snapshotSequence: 3, configuration: TransferSourceConfiguration(batchBytesMax: 512))
        var throttle = unlimitedThrottle()
        var batches: [TransferBatch] = []
        while case .send(let batch) = source.nextBatch(now: instant(0), throttle: &throttle) { batches.append(batch) }
        var target = VnodeTransferTarget(vnode: vnode, store: makeClusterStore())
        XCTAssertThrowsError(try target.receive(batches[1])) {
            XCTAssertEqual($0 as? TransferError, .batchOutOfOrder(expected: 0, received: 1))
        }
        for batch in batches { _ = try target.receive(batch) }
        XCTAssertThrowsError(try target.receive(batches[0])) { XCTAssertEqual($0 as? TransferError, .snapshotAlreadyComplete) }
        var wrong = VnodeTransferTarget(vnode: vnode + 1, store: makeClusterStore())
        XCTAssertThrowsError(try wrong.receive(batches[0])) { XCTAssertEqual($0 as? TransferError, .wrongVnode(expected: vnode + 1, received: vnode)) }
    }

    func testThrottleHoldsTheRateAndChangesAtRunTime() {
        let store = makeClusterStore()
        _ = fill(store, count: 200, valueBytes: 1000)
        var source = VnodeTransferSource(vnode: vnode, store: store, snapshotSequence: 0, configuration: TransferSourceConfiguration(batchBytesMax: 10_000))
        var throttle = TransferThrottle(bytesPerSecond: 100_000, burstBytes: 10_000, now: instant(0))
        var now = instant(0)
        var sentBytes = 0
        var rateChanged = false
        loop: for _ in 0..<10_000 {
            switch source.nextBatch(now: now, throttle: &throttle) {
            case .send(let batch):
                sentBytes += batch.items.readableBytes
            case .waitUntil(let time):
                XCTAssertGreaterThan(time, now)
                now = time
            case .finished:
                break loop
            }
            if !rateChanged && now.milliseconds >= 1000 {
                // Faster from one second on.
                XCTAssertLessThanOrEqual(sentBytes, 100_000 + 10_000 + 10_300, "first second at 100 kB/s plus burst")
                throttle.setBytesPerSecond(1_000_000, now: now)
                rateChanged = true
            }
        }
        XCTAssertTrue(rateChanged)
        XCTAssertGreaterThan(sentBytes, 200_000)
        // ~200 kB: about 1 s at 100 kB/s, then the rest at 1 MB/s.
        XCTAssertLessThan(now.milliseconds, 1300, "\(now)")
    }

    func testSchedulerHoldsConcurrencyAndFollowsChanges() throws {
        var scheduler = TransferScheduler(concurrency: 2, queuedMax: 3)
        let transfers = (0..<5).map { ScheduledTransfer(vnode: $0, target: MemberID(1)) }
        XCTAssertEqual(try scheduler.request(transfers[0]), [transfers[0]])
        XCTAssertEqual(try scheduler.request(transfers[1]), [transfers[1]])
        XCTAssertEqual(try scheduler.request(transfers[1]), [], "asking twice is harmless")
        for transfer in transfers[2...4] { XCTAssertEqual(try scheduler.request(transfer), []) }
        XCTAssertThrowsError(try scheduler.request(ScheduledTransfer(vnode: 9, target: MemberID(1)))) {
            XCTAssertEqual($0 as? TransferSchedulerError, .queueFull(limit: 3))
        }
        XCTAssertEqual(scheduler.finished(transfers[0]), [transfers[2]])
        XCTAssertEqual(scheduler.setConcurrency(3), [transfers[3]])
        XCTAssertEqual(scheduler.setConcurrency(1), [])
        XCTAssertEqual(scheduler.finished(transfers[1]), [])
        XCTAssertEqual(scheduler.finished(transfers[2]), [])
        XCTAssertEqual(scheduler.finished(transfers[3]), [transfers[4]])
        XCTAssertEqual(scheduler.running, [transfers[4]])
    }
}
