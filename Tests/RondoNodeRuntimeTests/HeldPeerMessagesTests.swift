import NIOCore
import RondoCluster
import RondoPeer
import XCTest

@testable import RondoNodeRuntime

final class HeldPeerMessagesTests: XCTestCase {
    func testHoldsInOrderWithinItsBoundsAndExpires() {
        var held = HeldPeerMessages(since: ClusterInstant(milliseconds: 1_000))
        XCTAssertTrue(held.hold(ReplicationAck(vnode: 1, acknowledgedSequence: 5)))
        XCTAssertTrue(held.hold(ReplicationAck(vnode: 2, acknowledgedSequence: 6)))
        XCTAssertEqual(held.messages.compactMap { ($0 as? ReplicationAck)?.vnode }, [1, 2])
        XCTAssertFalse(held.isExpired(now: ClusterInstant(milliseconds: 1_000 + HeldPeerMessages.ageMaxMilliseconds)))
        XCTAssertTrue(held.isExpired(now: ClusterInstant(milliseconds: 1_001 + HeldPeerMessages.ageMaxMilliseconds)))
    }

    func testRefusesWhatWouldPassTheByteBound() {
        var held = HeldPeerMessages(since: ClusterInstant(milliseconds: 0))
        let big = ByteBuffer(repeating: 7, count: 1 << 20)
        var accepted = 0
        while held.hold(TransferBatch(vnode: 3, cursor: ByteBuffer(), itemCount: 1, items: big, isLast: false)) {
            accepted += 1
            XCTAssertLessThan(accepted, 1_000, "the byte bound never stopped it")
        }
        XCTAssertEqual(accepted, HeldPeerMessages.bytesMax / ((1 << 20) + 64))
        XCTAssertLessThanOrEqual(held.bytes, HeldPeerMessages.bytesMax)
    }

    func testRefusesWhatWouldPassTheCountBound() {
        var held = HeldPeerMessages(since: ClusterInstant(milliseconds: 0))
        for index in 0..<HeldPeerMessages.countMax {
            XCTAssertTrue(held.hold(ReplicationAck(vnode: UInt32(index % 64), acknowledgedSequence: UInt64(index))))
        }
        XCTAssertFalse(held.hold(ReplicationAck(vnode: 0, acknowledgedSequence: 0)))
        XCTAssertEqual(held.messages.count, HeldPeerMessages.countMax)
    }
}
