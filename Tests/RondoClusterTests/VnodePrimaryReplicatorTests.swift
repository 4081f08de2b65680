import NIOCore
import RondoCluster
import RondoPeer
import RondoRing
import XCTest

final class VnodePrimaryReplicatorTests: XCTestCase {
    private let a = MemberID(2)
    private let b = MemberID(3)

    private func primary(_ policy: WriteAckPolicy, _ adjust: (inout ReplicationConfiguration) -> Void = { _ in }) -> VnodePrimaryReplicator {
        var configuration = ReplicationConfiguration(writeAckPolicy: policy)
        adjust(&configuration)
        var replicator = VnodePrimaryReplicator(vnode: 4, configuration: configuration)
        XCTAssertTrue(replicator.updateReplicas(secondaries: [a, b], down: [], now: instant(0)).isEmpty)
        return replicator
    }

    private func write(_ replicator: inout VnodePrimaryReplicator, _ id: UInt64, now: Int64 = 0) throws -> [PrimaryAction] {
        try replicator.write(WriteID(id), key: bytes("k\(id)"), change: itemChange("v\(id)", cas: id), now: instant(now))
    }

    func testPolicyAllWaitsForEveryLiveReplicaAndNamesThem() throws {
        var replicator = primary(.all)
        XCTAssertTrue(try write(&replicator, 1).isEmpty)
        let sends = replicator.flush(now: instant(0)).sends
        XCTAssertEqual(sends.map(\.member), [a, b])
        XCTAssertEqual(try sends[0].batch.decodedEntries().map(\.sequence), [1])
        XCTAssertTrue(replicator.receiveAck(from: a, through: 1, now: instant(1)).completed.isEmpty)
        let done = replicator.receiveAck(from: b, through: 1, now: instant(2))
        guard case .completeWrite(WriteID(1), let holders) = done.first else { return XCTFail("\(done)") }
        XCTAssertEqual(holders, [a, b])
    }

    func testPolicyQuorumNeedsOneOfTwoSecondariesAndOneNeedsNone() throws {
        var quorum = primary(.quorum)
        _ = try write(&quorum, 1)
        XCTAssertEqual(quorum.receiveAck(from: b, through: 1, now: instant(1)).completed, [WriteID(1)])
        var one = primary(.one)
        XCTAssertEqual(try write(&one, 1).completed, [WriteID(1)])
        XCTAssertEqual(one.flush(now: instant(0)).sends.count, 2, "replicated all the same")
    }

    func testReplicaMarkedDownIsNotWaitedForNorSentTo() throws {
        var replicator = primary(.all)
        _ = try write(&replicator, 1)
        _ = replicator.receiveAck(from: a, through: 1, now: instant(1))
        XCTAssertEqual(replicator.updateReplicas(secondaries: [a, b], down: [b], now: instant(2)).completed, [WriteID(1)])
        _ = try write(&replicator, 2)
        XCTAssertEqual(replicator.flush(now: instant(3)).sends.map(\.member), [a])
    }

    func testLaggingReplicaIsReportedOnceThenTheWriteFailsAtTheBound() throws {
        var replicator = primary(.all) {
            $0.lagReportAfterMilliseconds = 100
            $0.writeTimeoutMilliseconds = 300
        }
        _ = try write(&replicator, 1)
        _ = replicator.flush(now: instant(0))
        _ = replicator.receiveAck(from: a, through: 1, now: instant(10))
        XCTAssertTrue(replicator.tick(now: instant(50)).lagging.isEmpty)
        XCTAssertEqual(replicator.tick(now: instant(100)).lagging, [b])
        XCTAssertTrue(replicator.tick(now: instant(200)).lagging.isEmpty, "reported once")
        let failed = replicator.tick(now: instant(300)).failed
        XCTAssertEqual(failed.map(\.0), [WriteID(1)])
        XCTAssertEqual(failed.first?.1, .acknowledgementTimeout(sequence: 1, acknowledgedBy: 1, required: 2))
        XCTAssertEqual(replicator.pendingWriteCount, 0)
    }

    func testPendingWritesAreBoundedWithATypedError() throws {
        var replicator = primary(.all) { $0.pendingWritesMax = 2 }
        _ = try write(&replicator, 1)
        _ = try write(&replicator, 2)
        XCTAssertThrowsError(try replicator.checkAdmission()) {
            XCTAssertEqual($0 as? ReplicationError, .tooManyPendingWrites(limit: 2))
        }
        XCTAssertThrowsError(try write(&replicator, 3))
        _ = replicator.receiveAck(from: a, through: 2, now: instant(1))
        _ = replicator.receiveAck(from: b, through: 1, now: instant(1))
        XCTAssertNoThrow(try replicator.checkAdmission())
    }

    func testBatchesRespectEntryAndByteCapsAndTheWindow() throws {
        var replicator = primary(.one) {
            $0.batchEntriesMax = 3
            $0.batchBytesMax = 1 << 20
            $0.inFlightEntriesMax = 5
        }
        for id in 1...10 { _ = try write(&replicator, UInt64(id)) }
        let toA = replicator.flush(now: instant(0)).sends.filter { $0.member == a }.map(\.batch)
        XCTAssertEqual(toA.map(\.firstSequence), [1, 4])
        XCTAssertEqual(toA.map(\.itemCount), [3, 2], "the window of 5 stops sending")
        let next = replicator.receiveAck(from: a, through: 5, now: instant(1)).sends.map(\.batch)
        XCTAssertEqual(next.map(\.firstSequence), [6, 9])

        var small = primary(.one) { $0.batchBytesMax = 1 }
        for id in 1...3 { _ = try write(&small, UInt64(id)) }
        XCTAssertEqual(small.flush(now: instant(0)).sends.filter { $0.member == a }.map(\.batch.itemCount), [1, 1, 1])
    }

    func testUnacknowledgedEntriesAreResentAfterTheRetransmitInterval() throws {
        var replicator = primary(.all) { $0.retransmitAfterMilliseconds = 100 }
        _ = try write(&replicator, 1)
        _ = replicator.flush(now: instant(0))
        XCTAssertTrue(replicator.tick(now: instant(50)).sends.isEmpty)
        XCTAssertEqual(replicator.tick(now: instant(100)).sends.map(\.member), [a, b])
    }

    func testASettledPrimarySkipsTicksUntilANewWriteArrives() throws {
        // The tick reads a stored "settled" flag: every event that brings work must clear it.
        var replicator = primary(.all) { $0.retransmitAfterMilliseconds = 100 }
        _ = try write(&replicator, 1)
        XCTAssertEqual(replicator.flush(now: instant(0)).sends.map(\.member), [a, b])
        _ = replicator.receiveAck(from: a, through: 1, now: instant(10))
        XCTAssertEqual(replicator.receiveAck(from: b, through: 1, now: instant(10)).completed, [WriteID(1)])
        XCTAssertTrue(replicator.tick(now: instant(500)).isEmpty, "settled: nothing to do")
        _ = try write(&replicator, 2, now: 500)
        // No flush after the write: the tick itself must see the new entry and send it.
        XCTAssertEqual(replicator.tick(now: instant(510)).sends.map(\.member), [a, b])
        XCTAssertTrue(replicator.tick(now: instant(550)).sends.isEmpty, "sent, not yet due for a resend")
        XCTAssertEqual(replicator.tick(now: instant(610)).sends.map(\.member), [a, b], "unacknowledged: resent")
    }

    func testCatchUpFromTheLogAndRebuildWhenTheLogNoLongerReaches() throws {
        var replicator = primary(.one) { $0.logEntriesMax = 4 }
        for id in 1...4 { _ = try write(&replicator, UInt64(id)) }
        _ = replicator.flush(now: instant(0))
        _ = replicator.receiveAck(from: a, through: 4, now: instant(1))
        _ = replicator.receiveAck(from: b, through: 4, now: instant(1))
        for id in 5...6 { _ = try write(&replicator, UInt64(id)) }
        XCTAssertEqual(replicator.logFirstSequence, 3)
        _ = replicator.flush(now: instant(1))
        XCTAssertTrue(replicator.receiveAck(from: a, through: 3, now: instant(1)).isEmpty, "a lower ack is a stale duplicate")
        // a repeats its ack while 5 and 6 are out: it saw a gap, send from 5 again, from the log.
        let resend = replicator.receiveAck(from: a, through: 4, now: instant(2)).sends
        XCTAssertEqual(resend.map(\.batch.firstSequence), [5])
        XCTAssertEqual(resend.map(\.batch.itemCount), [2])
        XCTAssertTrue(replicator.receiveAck(from: a, through: 4, now: instant(3)).isEmpty, "at most once per interval")
        // b restarted empty: its first ack on the new connection says 0, older than the log.
        replicator.connectionReset(b)
        XCTAssertTrue(replicator.tick(now: instant(1000)).sends.filter { $0.member == b }.isEmpty, "nothing sent before b's ack")
        let rebuild = replicator.receiveAck(from: b, through: 0, now: instant(1001))
        XCTAssertEqual(rebuild.rebuilds, [b])
        XCTAssertTrue(replicator.receiveAck(from: b, through: 0, now: instant(1002)).rebuilds.isEmpty, "reported once")
        // The rebuild's transfer makes b a pending replica from the snapshot on.
        XCTAssertEqual(replicator.beginTransfer(to: b, now: instant(1003)), 6)
        _ = try write(&replicator, 7)
        XCTAssertEqual(replicator.flush(now: instant(1004)).sends.filter { $0.member == b }.map(\.batch.firstSequence), [7])
    }

    /// Found by the cluster simulation: a demoted primary stays a replica holding entries the new
    /// primary never numbered (its unreplicated tail). Its first ack on the new connection is above
    /// the new primary's last sequence; ignoring it left the replica uncounted and diverging
    /// forever. Now the primary asks for a rebuild, once per write timeout.
    func testFirstAckAboveTheLogAsksForARebuild() throws {
        var replicator = VnodePrimaryReplicator(vnode: 4, startingSequence: 10, configuration: ReplicationConfiguration())
        _ = replicator.updateReplicas(secondaries: [a, b], down: [], now: instant(0))
        replicator.connectionReset(a)
        XCTAssertEqual(replicator.receiveAck(from: a, through: 12, now: instant(1)).rebuilds, [a])
        XCTAssertTrue(replicator.receiveAck(from: a, through: 12, now: instant(2)).rebuilds.isEmpty, "reported once")
        XCTAssertTrue(replicator.receiveAck(from: b, through: 12, now: instant(3)).isEmpty, "not awaiting: a stray ack is ignored")
        XCTAssertEqual(replicator.beginTransfer(to: a, now: instant(4)), 10)
        _ = try write(&replicator, 1)
        XCTAssertEqual(replicator.flush(now: instant(5)).sends.filter { $0.member == a }.map(\.batch.firstSequence), [11])
    }

    /// Seen in a rolling-upgrade demo: a primary whose table newly listed a secondary it did not
    /// track (its copy filled by a transfer from another primary) took it for empty, sent it the
    /// log from 1 and, the log no longer reaching back that far, rebuilt a copy that was whole.
    func testANewlyListedUntrackedSecondaryIsAskedNothingUntilItsHello() throws {
        var replicator = primary(.all) {
            $0.logEntriesMax = 4
            $0.writeTimeoutMilliseconds = 300
        }
        for id in 1...6 {
            _ = try write(&replicator, UInt64(id))
            _ = replicator.flush(now: instant(0))
            _ = replicator.receiveAck(from: a, through: UInt64(id), now: instant(0))
            _ = replicator.receiveAck(from: b, through: UInt64(id), now: instant(0))
        }
        XCTAssertEqual(replicator.logFirstSequence, 3)
        let whole = MemberID(7)
        _ = replicator.updateReplicas(secondaries: [a, whole], down: [], now: instant(10))
        _ = try write(&replicator, 7)
        let sent = replicator.flush(now: instant(11))
        XCTAssertEqual(sent.sends.map(\.member), [a], "nothing to the unheard member")
        XCTAssertTrue(sent.rebuilds.isEmpty)
        XCTAssertEqual(replicator.receiveAck(from: a, through: 7, now: instant(12)).completed, [WriteID(7)], "not waited for")
        // Its hello: it holds through 6, so it gets 7 and counts from then on.
        let hello = replicator.receiveAck(from: whole, through: 6, now: instant(13))
        XCTAssertTrue(hello.rebuilds.isEmpty)
        XCTAssertEqual(hello.sends.map(\.batch.firstSequence), [7])
        _ = try write(&replicator, 8)
        _ = replicator.flush(now: instant(14))
        XCTAssertTrue(replicator.receiveAck(from: a, through: 8, now: instant(15)).completed.isEmpty, "waits for the member now")
        XCTAssertEqual(replicator.receiveAck(from: whole, through: 8, now: instant(16)).completed, [WriteID(8)])

        // One that stays silent for a write timeout is taken for empty: the log does not reach
        // back to 1, so it is rebuilt.
        let silent = MemberID(8)
        _ = replicator.updateReplicas(secondaries: [a, whole, silent], down: [], now: instant(100))
        _ = try write(&replicator, 9)
        XCTAssertTrue(replicator.tick(now: instant(399)).rebuilds.isEmpty, "within the write timeout")
        XCTAssertEqual(replicator.tick(now: instant(400)).rebuilds, [silent])
    }

    func testPendingTransferTargetIsNotCountedUntilItAcksTheSnapshot() throws {
        var replicator = primary(.all)
        let target = MemberID(9)
        _ = try write(&replicator, 1)
        _ = replicator.receiveAck(from: a, through: 1, now: instant(1))
        XCTAssertEqual(replicator.receiveAck(from: b, through: 1, now: instant(1)).completed, [WriteID(1)])
        XCTAssertEqual(replicator.beginTransfer(to: target, now: instant(2)), 1)
        _ = try write(&replicator, 2)
        XCTAssertEqual(replicator.flush(now: instant(3)).sends.map(\.member), [a, b, target])
        _ = replicator.receiveAck(from: a, through: 2, now: instant(4))
        guard case .completeWrite(_, let holders) = replicator.receiveAck(from: b, through: 2, now: instant(4)).first else {
            return XCTFail("write 2 completes with a and b")
        }
        XCTAssertEqual(holders, [a, b])
        // The epoch bump makes the target a secondary: counted once it has acked the snapshot.
        _ = replicator.updateReplicas(secondaries: [a, b, target], down: [], now: instant(5))
        _ = replicator.receiveAck(from: target, through: 2, now: instant(6), isSnapshotAck: true)
        _ = try write(&replicator, 3)
        _ = replicator.receiveAck(from: a, through: 3, now: instant(7))
        XCTAssertTrue(replicator.receiveAck(from: b, through: 3, now: instant(7)).completed.isEmpty, "the target counts now")
        XCTAssertEqual(replicator.receiveAck(from: target, through: 3, now: instant(7)).completed, [WriteID(3)])
    }

    /// Found by the cluster simulation: a caught-up transfer target was counted by no policy until
    /// the epoch bump listed it, so `all` acknowledged writes it had not applied yet; when the
    /// bump made it the primary, those acknowledged writes were missing. It counts once it acked
    /// its snapshot.
    func testCaughtUpTransferTargetCountsBeforeTheEpochBump() throws {
        var replicator = primary(.all)
        let target = MemberID(9)
        XCTAssertEqual(replicator.beginTransfer(to: target, now: instant(0)), 0)
        _ = try write(&replicator, 1)
        _ = replicator.flush(now: instant(1))
        _ = replicator.receiveAck(from: a, through: 1, now: instant(2))
        XCTAssertEqual(replicator.receiveAck(from: b, through: 1, now: instant(2)).completed, [WriteID(1)], "pending: not waited for")
        _ = replicator.receiveAck(from: target, through: 1, now: instant(3), isSnapshotAck: true)
        _ = try write(&replicator, 2)
        _ = replicator.flush(now: instant(4))
        _ = replicator.receiveAck(from: a, through: 2, now: instant(5))
        XCTAssertTrue(replicator.receiveAck(from: b, through: 2, now: instant(5)).completed.isEmpty, "the caught-up target counts")
        guard case .completeWrite(WriteID(2), let holders) = replicator.receiveAck(from: target, through: 2, now: instant(6)).first else {
            return XCTFail("write 2 completes once the target holds it")
        }
        XCTAssertEqual(holders, [a, b, target])
    }

    /// Found by the cluster simulation: a target of an idle vnode acks exactly the snapshot
    /// sequence; that ack did not end its pending state (only a higher one did), so it never
    /// counted and, reported by the primary, its transfer never completed.
    func testTargetAckingExactlyItsSnapshotIsCaughtUp() throws {
        var replicator = primary(.all)
        let target = MemberID(9)
        _ = try write(&replicator, 1)
        _ = replicator.receiveAck(from: a, through: 1, now: instant(1))
        _ = replicator.receiveAck(from: b, through: 1, now: instant(1))
        XCTAssertEqual(replicator.beginTransfer(to: target, now: instant(2)), 1)
        let actions = replicator.receiveAck(from: target, through: 1, now: instant(3), isSnapshotAck: true)
        guard case .transferTargetCaughtUp(4, target, 1)? = actions.first else { return XCTFail("\(actions)") }
        _ = try write(&replicator, 2)
        _ = replicator.receiveAck(from: a, through: 2, now: instant(4))
        XCTAssertTrue(replicator.receiveAck(from: b, through: 2, now: instant(4)).completed.isEmpty, "the target counts")
        XCTAssertEqual(replicator.receiveAck(from: target, through: 2, now: instant(5)).completed, [WriteID(2)])
    }

    /// Found by the rolling-upgrade demo: the primary rebuilt a listed secondary's copy, whose old
    /// copy kept acking until the snapshot replaced it; one such ack ended the transfer at once, so
    /// the new copy never got the entries after its snapshot and, counted by `all`, stalled every
    /// write of the vnode. Only the snapshot ack ends a pending transfer; the entries after the
    /// snapshot go again from there.
    func testARebuiltSecondarysOldCopyDoesNotEndItsTransferByAcking() throws {
        var replicator = primary(.all)
        for id in 1...2 { _ = try write(&replicator, UInt64(id)) }
        _ = replicator.flush(now: instant(0))
        _ = replicator.receiveAck(from: a, through: 2, now: instant(1))
        XCTAssertEqual(replicator.receiveAck(from: b, through: 2, now: instant(1)).completed, [WriteID(1), WriteID(2)])
        XCTAssertEqual(replicator.beginTransfer(to: b, now: instant(2)), 2)
        _ = try write(&replicator, 3)
        XCTAssertEqual(replicator.flush(now: instant(3)).sends.map(\.member), [a, b])
        // b's old copy applies entry 3 and acks it before the snapshot reaches it: not counted,
        // and the transfer is not over.
        XCTAssertTrue(replicator.receiveAck(from: b, through: 3, now: instant(4)).isEmpty)
        let completed = replicator.receiveAck(from: a, through: 3, now: instant(4))
        guard case .completeWrite(WriteID(3), let holders)? = completed.first else { return XCTFail("\(completed)") }
        XCTAssertEqual(holders, [a], "the replica being rebuilt is not counted")
        // The snapshot (through 2) replaced the old copy: entry 3 goes again, then b counts.
        let afterSnapshot = replicator.receiveAck(from: b, through: 2, now: instant(5), isSnapshotAck: true)
        XCTAssertEqual(afterSnapshot.sends.filter { $0.member == b }.map(\.batch.firstSequence), [3])
        XCTAssertFalse(afterSnapshot.contains { if case .transferTargetCaughtUp = $0 { true } else { false } }, "not before it holds 3")
        let caughtUp = replicator.receiveAck(from: b, through: 3, now: instant(6))
        guard case .transferTargetCaughtUp(4, b, 3)? = caughtUp.first else { return XCTFail("\(caughtUp)") }
        _ = try write(&replicator, 4)
        _ = replicator.receiveAck(from: a, through: 4, now: instant(7))
        XCTAssertEqual(replicator.receiveAck(from: b, through: 4, now: instant(7)).completed, [WriteID(4)], "b counts again")
    }

    func testATransferTargetWhoseConnectionResetsIsForgotten() throws {
        var replicator = primary(.all)
        let target = MemberID(9)
        _ = replicator.beginTransfer(to: target, now: instant(0))
        replicator.connectionReset(target)
        _ = try write(&replicator, 1)
        XCTAssertEqual(replicator.flush(now: instant(1)).sends.map(\.member), [a, b])
        XCTAssertTrue(replicator.receiveAck(from: target, through: 1, now: instant(2)).isEmpty)
    }

    /// The log frees what every replica acknowledged but its newest few; what a replica still
    /// needs stays, whoever is slowest.
    func testTheLogFreesWhatEveryReplicaAcknowledgedButAFew() throws {
        var replicator = primary(.all) { $0.logAcknowledgedEntriesKept = 2 }
        for id in 1...10 { _ = try write(&replicator, UInt64(id)) }
        _ = replicator.flush(now: instant(0))
        _ = replicator.receiveAck(from: a, through: 10, now: instant(1))
        XCTAssertEqual(replicator.logFirstSequence, 1, "b acknowledged nothing yet")
        _ = replicator.receiveAck(from: b, through: 6, now: instant(1))
        XCTAssertEqual(replicator.logFirstSequence, 5, "b holds through 6; 5 and 6 are the kept ones")
        // b's connection resets: until it says, what it acknowledged before still bounds the log.
        replicator.connectionReset(b)
        _ = replicator.receiveAck(from: a, through: 10, now: instant(2))
        XCTAssertEqual(replicator.logFirstSequence, 5)
        // It comes back holding 6 and catches up from the log, not by a rebuild.
        let hello = replicator.receiveAck(from: b, through: 6, now: instant(3))
        XCTAssertTrue(hello.rebuilds.isEmpty)
        XCTAssertEqual(hello.sends.map(\.batch.firstSequence), [7])
        _ = replicator.receiveAck(from: b, through: 10, now: instant(4))
        XCTAssertEqual(replicator.logFirstSequence, 9)
        // A transfer target keeps what follows its snapshot.
        let target = MemberID(9)
        XCTAssertEqual(replicator.beginTransfer(to: target, now: instant(5)), 10)
        for id in 11...20 { _ = try write(&replicator, UInt64(id)) }
        _ = replicator.flush(now: instant(5))
        _ = replicator.receiveAck(from: a, through: 20, now: instant(6))
        _ = replicator.receiveAck(from: b, through: 20, now: instant(6))
        XCTAssertEqual(replicator.logFirstSequence, 9, "the target needs 11 on")
        let resumed = replicator.receiveAck(from: target, through: 10, now: instant(7), isSnapshotAck: true)
        XCTAssertEqual(resumed.sends.map(\.batch.firstSequence), [11])
    }

    func testARetiredLogKeepsTheLastSequenceAndFreesInSteps() throws {
        var replicator = primary(.one)
        for id in 1...5 { _ = try write(&replicator, UInt64(id)) }
        _ = replicator.resign()
        var retired = replicator.retireLog()
        XCTAssertEqual(replicator.lastSequence, 5)
        XCTAssertEqual(replicator.logFirstSequence, 6, "empty")
        XCTAssertEqual(retired.count, 5)
        XCTAssertEqual(retired.free(maxEntries: 3), 3)
        XCTAssertEqual(retired.free(maxEntries: 3), 2)
        XCTAssertTrue(retired.isEmpty)
        XCTAssertEqual(retired.free(maxEntries: 3), 0)
    }

    func testResignFailsPendingWritesAndRefusesNewOnes() throws {
        var replicator = primary(.all)
        _ = try write(&replicator, 1)
        XCTAssertEqual(replicator.resign().failed.map(\.1), [.notPrimary(vnode: 4)])
        XCTAssertThrowsError(try write(&replicator, 2))
    }
}
