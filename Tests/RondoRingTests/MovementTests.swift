import RondoCore
import XCTest

@testable import RondoRing

final class MovementTests: XCTestCase {
    func testJoinMovesOnlyTheNewcomersFairShare() throws {
        for replicaCount in 1...3 {
            for nodeCount in [1, 2, 3, 5, 16, 63] {
                let before = try RoutingTable.initial(replicaCount: replicaCount, nodes: descriptors(nodeCount))
                let newcomer = NodeDescriptor(id: MemberID(1000))
                let after = try before.joining(newcomer)
                assertValid(after, "join to \(nodeCount)")
                XCTAssertEqual(after.epoch, before.epoch + 1)
                let share = after.vnodes(ownedBy: newcomer.id).count
                let fair = RoutingTable.fairShare(
                    total: after.vnodeCount.value * after.placedReplicaCount, nodes: nodeCount + 1)
                XCTAssertTrue(fair.contains(share), "newcomer share \(share) outside \(fair)")
                XCTAssertEqual(transferCount(from: before, to: after), share, "nodes \(nodeCount) r \(replicaCount)")
                let primaryFair = RoutingTable.fairShare(total: after.vnodeCount.value, nodes: nodeCount + 1)
                XCTAssertTrue(primaryFair.contains(after.vnodes(primaryOn: newcomer.id).count))
            }
        }
    }

    func testLeaveMovesOnlyTheLeaversAssignments() throws {
        for replicaCount in 1...3 {
            for nodeCount in [4, 5, 16, 64] {
                let before = try RoutingTable.initial(replicaCount: replicaCount, nodes: descriptors(nodeCount))
                let leaver = MemberID(3)
                let after = try before.leaving(leaver)
                assertValid(after, "leave from \(nodeCount)")
                XCTAssertNil(after.member(leaver))
                XCTAssertEqual(
                    transferCount(from: before, to: after), before.vnodes(ownedBy: leaver).count,
                    "nodes \(nodeCount) r \(replicaCount)")
            }
        }
    }

    func testPrimaryLossPromotesAnExistingSecondary() throws {
        let before = try RoutingTable.initial(replicaCount: 3, nodes: descriptors(10))
        let leaver = MemberID(4)
        let after = try before.draining(leaver)
        for vnode in before.vnodes(primaryOn: leaver) {
            XCTAssertTrue(
                before.replicas(of: vnode).contains(after.primary(of: vnode)),
                "vnode \(vnode): new primary must already hold a copy")
        }
    }

    func testDrainThenActivateRestoresTheTable() throws {
        for replicaCount in 1...3 {
            let before = try RoutingTable.initial(replicaCount: replicaCount, nodes: descriptors(12, zones: 3))
            let drained = try before.draining(MemberID(5))
            assertValid(drained, "drained")
            XCTAssertEqual(drained.member(MemberID(5))?.state, .draining)
            XCTAssertTrue(drained.vnodes(ownedBy: MemberID(5)).isEmpty)
            XCTAssertEqual(transferCount(from: before, to: drained), before.vnodes(ownedBy: MemberID(5)).count)
            let restored = try drained.activating(MemberID(5))
            assertValid(restored, "restored")
            XCTAssertEqual(restored.epoch, before.epoch + 2)
            XCTAssertEqual(assignments(restored), assignments(before))
            XCTAssertEqual(restored.members, before.members)
        }
    }

    func testNestedDrainsRestoreInReverseOrder() throws {
        let before = try RoutingTable.initial(replicaCount: 2, nodes: descriptors(9))
        let one = try before.draining(MemberID(2))
        let two = try one.draining(MemberID(7))
        let back = try two.activating(MemberID(7)).activating(MemberID(2))
        XCTAssertEqual(assignments(back), assignments(before))
    }

    func testActivateAfterOtherChangesPrefersHomeAndMovesFairShare() throws {
        let before = try RoutingTable.initial(replicaCount: 2, nodes: descriptors(10))
        let home = Set(before.vnodes(ownedBy: MemberID(5)))
        let drained = try before.draining(MemberID(5)).joining(NodeDescriptor(id: MemberID(50)))
        let back = try drained.activating(MemberID(5))
        assertValid(back, "back")
        let owned = back.vnodes(ownedBy: MemberID(5))
        XCTAssertEqual(transferCount(from: drained, to: back), owned.count)
        XCTAssertGreaterThan(owned.filter { home.contains($0) }.count, owned.count / 2)
    }

    func testMembershipErrors() throws {
        let table = try RoutingTable.initial(replicaCount: 2, nodes: descriptors(2))
        XCTAssertThrowsError(try table.joining(NodeDescriptor(id: MemberID(1)))) {
            XCTAssertEqual($0 as? RingError, .duplicateMember(MemberID(1)))
        }
        XCTAssertThrowsError(try table.leaving(MemberID(9))) {
            XCTAssertEqual($0 as? RingError, .unknownMember(MemberID(9)))
        }
        XCTAssertThrowsError(try table.activating(MemberID(1))) {
            XCTAssertEqual($0 as? RingError, .alreadyInState(MemberID(1), .active))
        }
        let one = try table.draining(MemberID(1))
        XCTAssertEqual(one.replicaShortfall, 1)
        XCTAssertThrowsError(try one.draining(MemberID(2))) {
            XCTAssertEqual($0 as? RingError, .noActiveMembers)
        }
        XCTAssertThrowsError(try one.leaving(MemberID(2))) {
            XCTAssertEqual($0 as? RingError, .noActiveMembers)
        }
    }
}
