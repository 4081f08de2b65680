import RondoCore
import XCTest

@testable import RondoRing

final class MigrationPlanTests: XCTestCase {
    func testApplyingThePlanYieldsTheNewTable() throws {
        let before = try RoutingTable.initial(replicaCount: 3, nodes: descriptors(9))
        var table = before
        for change in 0..<4 {
            let next = change % 2 == 0
                ? try table.joining(NodeDescriptor(id: MemberID(100 + UInt32(change))))
                : try table.draining(MemberID(UInt32(change)))
            let plan = RoutingTable.diff(from: table, to: next)
            XCTAssertEqual(plan.applied(to: assignments(table)), assignments(next))
            XCTAssertEqual(plan.transferCount, transferCount(from: table, to: next))
            XCTAssertEqual(plan.receivedCountByNode.values.reduce(0, +), plan.transferCount)
            XCTAssertEqual(plan.sentCountByNode.values.reduce(0, +), plan.transferCount)
            XCTAssertEqual(plan.droppedCountByNode.values.reduce(0, +), plan.transferCount)
            XCTAssertEqual(plan.fromEpoch + 1, plan.toEpoch)
            table = next
        }
    }

    func testJoinPlanTotals() throws {
        let before = try RoutingTable.initial(replicaCount: 2, nodes: descriptors(4))
        let after = try before.joining(NodeDescriptor(id: MemberID(9)))
        let plan = RoutingTable.diff(from: before, to: after)
        XCTAssertEqual(plan.receivedCountByNode, [MemberID(9): after.vnodes(ownedBy: MemberID(9)).count])
        XCTAssertNil(plan.sentCountByNode[MemberID(9)])
        XCTAssertEqual(plan.minimumReplicaCount(), 2)
        // The newcomer's primaries come from promoting its new copies; short promotion chains
        // elsewhere may add a few more, never data transfers.
        let newcomerPrimaries = after.vnodes(primaryOn: MemberID(9)).count
        XCTAssertGreaterThanOrEqual(plan.primaryChangeCount, newcomerPrimaries)
        XCTAssertLessThanOrEqual(plan.primaryChangeCount, 2 * newcomerPrimaries)
        for migration in plan.migrations {
            XCTAssertEqual(migration.receivers, [MemberID(9)])
            XCTAssertEqual(migration.droppers.count, 1)
        }
    }

    func testMinimumReplicaCountWithAnUnavailableLeaver() throws {
        let before = try RoutingTable.initial(replicaCount: 2, nodes: descriptors(5))
        let after = try before.leaving(MemberID(3))
        let plan = RoutingTable.diff(from: before, to: after)
        XCTAssertEqual(plan.minimumReplicaCount(), 2, "a graceful leave keeps two copies")
        XCTAssertEqual(plan.minimumReplicaCount(unavailable: [MemberID(3)]), 1, "a crash leaves one")
        let single = try RoutingTable.initial(replicaCount: 1, nodes: descriptors(3))
        let crashPlan = RoutingTable.diff(from: single, to: try single.leaving(MemberID(2)))
        XCTAssertEqual(crashPlan.minimumReplicaCount(unavailable: [MemberID(2)]), 0, "no copy survives")
        XCTAssertEqual(crashPlan.departures(from: MemberID(2)).count, single.vnodes(ownedBy: MemberID(2)).count)
    }

    func testPlanOfIdenticalTablesIsEmpty() throws {
        let table = try RoutingTable.initial(replicaCount: 3, nodes: descriptors(6))
        let plan = RoutingTable.diff(from: table, to: table)
        XCTAssertTrue(plan.migrations.isEmpty)
        XCTAssertEqual(plan.transferCount, 0)
        XCTAssertEqual(plan.minimumReplicaCount(), 3)
    }
}
