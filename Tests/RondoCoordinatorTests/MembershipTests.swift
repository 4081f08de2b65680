import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

final class MembershipTests: XCTestCase {
    func testBootstrapOneToFiveNodes() {
        for count in 1...5 {
            var cluster = CoordinatorHarness(replicas: 3)
            for index in 1...count {
                cluster.join("n\(index)")
                cluster.settle()
            }
            XCTAssertEqual(cluster.table.members.count, count)
            XCTAssertEqual(cluster.table.placedReplicaCount, min(3, count))
            for index in 1...count {
                XCTAssertEqual(cluster.record("n\(index)").state, .active)
                XCTAssertEqual(cluster.record("n\(index)").memberID, MemberID(UInt32(index)))
            }
            cluster.assertConverged()
            XCTAssertEqual(cluster.persisted?.durable, cluster.state.durable)
        }
    }

    func testJoinCopiesFirstSwitchesThenDropsAfterAcknowledgement() {
        var cluster = CoordinatorHarness(replicas: 2)
        for name in ["n1", "n2", "n3"] {
            cluster.join(name)
            cluster.settle()
        }
        let epochBefore = cluster.state.epoch
        cluster.drops = []
        cluster.join("n4")
        XCTAssertEqual(cluster.record("n4").state, .joining)
        XCTAssertNotNil(cluster.state.target)
        XCTAssertFalse(cluster.transfers.isEmpty)
        XCTAssertTrue(cluster.transfers.allSatisfy { $0.target == node("n4") })
        // Copies run, the table does not change until they are all done.
        while cluster.state.target != nil {
            XCTAssertEqual(cluster.state.epoch, epochBefore, "switched before the copies finished")
            XCTAssertFalse(cluster.table.members.contains { $0.id == cluster.record("n4").memberID })
            XCTAssertFalse(cluster.transfers.isEmpty)
            cluster.completeTransfers(limit: 1)
        }
        XCTAssertGreaterThan(cluster.state.epoch, epochBefore)
        XCTAssertEqual(cluster.record("n4").state, .active)
        // Old holders keep their copies until every live member acknowledged the new epoch.
        XCTAssertTrue(cluster.drops.isEmpty)
        XCTAssertFalse(cluster.state.pendingDrops.isEmpty)
        let pending = cluster.state.pendingDrops.count
        for name in ["n1", "n2", "n3"] {
            cluster.acknowledged[node(name)] = cluster.received[node(name)]
            cluster.apply(cluster.coordinator.nodeAcknowledgedEpoch(node(name), epoch: cluster.state.epoch, nowMilliseconds: cluster.nowMilliseconds))
            XCTAssertTrue(cluster.drops.isEmpty, "dropped before n4 acknowledged")
        }
        cluster.acknowledgeAll()
        XCTAssertEqual(cluster.drops.count, pending)
        XCTAssertTrue(cluster.drops.allSatisfy { $0.node != node("n4") })
        cluster.assertConverged()
    }

    /// Found by the cluster simulation: a joining target is in no pushed table's directory, so
    /// the source could not name it to its replicator (`beginTransfer(to: MemberID)`). The order
    /// carries the target's member number.
    func testTransferOrderNamesTheJoiningTargetsMemberID() {
        var cluster = CoordinatorHarness(replicas: 2)
        for name in ["n1", "n2"] {
            cluster.join(name)
            cluster.settle()
        }
        cluster.join("n3")
        XCTAssertFalse(cluster.transfers.isEmpty)
        XCTAssertNil(cluster.table.member(cluster.record("n3").memberID!), "the target is not in the published table yet")
        for order in cluster.transfers {
            XCTAssertEqual(order.targetMemberID, cluster.record("n3").memberID?.value)
        }
    }

    func testReleaseDrainsThenLeaveRemoves() {
        var cluster = CoordinatorHarness(replicas: 2)
        for name in ["n1", "n2", "n3", "n4"] {
            cluster.join(name)
            cluster.settle()
        }
        guard case .refused(.notReleasedOrDown) = cluster.ctl(.leave(node("n2"))) else {
            return XCTFail("leave of an active member must be refused")
        }
        guard case .done = cluster.ctl(.release(node("n2"))) else { return XCTFail("release refused") }
        XCTAssertEqual(cluster.record("n2").state, .draining(released: false))
        // Redundancy never drops: every vnode keeps two holders throughout the drain.
        while cluster.state.target != nil || !cluster.state.pendingDrops.isEmpty {
            for vnode in 0..<cluster.table.vnodeCount.value {
                XCTAssertGreaterThanOrEqual(cluster.state.holders(of: vnode).count, 2)
            }
            cluster.completeTransfers(limit: 1)
            cluster.acknowledgeAll()
        }
        XCTAssertEqual(cluster.record("n2").state, .draining(released: true))
        let id = cluster.record("n2").memberID!
        XCTAssertEqual(cluster.table.member(id)?.state, .draining)
        XCTAssertTrue(cluster.table.vnodes(ownedBy: id).isEmpty)
        guard case .done = cluster.ctl(.leave(node("n2"))) else { return XCTFail("leave refused") }
        XCTAssertEqual(cluster.record("n2").state, .left)
        XCTAssertNil(cluster.table.member(id))
        cluster.settle()
        cluster.assertConverged()
        // A released node can come back with join; it gets its share again.
        guard case .done = cluster.ctl(.release(node("n3"))) else { return XCTFail("release refused") }
        cluster.settle()
        cluster.join("n3")
        cluster.settle()
        XCTAssertEqual(cluster.record("n3").state, .active)
        XCTAssertFalse(cluster.table.vnodes(ownedBy: cluster.record("n3").memberID!).isEmpty)
        cluster.assertConverged()
    }

    func testCtlRefusalsAndReports() {
        var cluster = CoordinatorHarness(replicas: 2)
        guard case .refused(.unknownNode) = cluster.ctl(.join(node("nx"))) else { return XCTFail() }
        cluster.join("n1")
        guard case .refused(.alreadyMember) = cluster.ctl(.join(node("n1"))) else { return XCTFail() }
        guard case .refused(.lastActiveMember) = cluster.ctl(.release(node("n1"))) else { return XCTFail() }
        cluster.join("n2")
        cluster.settle()
        guard case .status(let status) = cluster.ctl(.status) else { return XCTFail() }
        XCTAssertEqual(status.epoch, cluster.state.epoch)
        XCTAssertEqual(status.nodes.count, 2)
        XCTAssertEqual(status.underReplicatedVnodes, 0)
        XCTAssertTrue(status.description.contains("cluster test, epoch"))
        XCTAssertTrue(status.json.description.hasPrefix("{\"cluster\":\"test\""))
        guard case .nodes(let nodes) = cluster.ctl(.nodes) else { return XCTFail() }
        XCTAssertEqual(nodes.map(\.primaryCount).reduce(0, +), 64)
        guard case .ring(let epoch, let text) = cluster.ctl(.ring) else { return XCTFail() }
        XCTAssertEqual(epoch, cluster.state.epoch)
        XCTAssertTrue(text.contains("2 of 2 members active"))
        XCTAssertEqual(
            JSONValue.object([("a", .string("q\"\n\u{1}"))]).description, #"{"a":"q\"\n\u0001"}"#)
    }
}
