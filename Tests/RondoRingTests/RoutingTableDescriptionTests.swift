import RondoCore
import XCTest

@testable import RondoRing

final class RoutingTableDescriptionTests: XCTestCase {
    func testDescriptionListsMembersWithCounts() throws {
        let table = try RoutingTable.initial(
            vnodeCount: try VnodeCount(8), replicaCount: 3, nodes: descriptors(2)
        ).draining(MemberID(2))
        XCTAssertEqual(
            table.description,
            """
            epoch 2, 8 vnodes, 1 of 3 replicas placed, 1 of 2 members active
            shortfall: every vnode lacks 2 replica(s)
            m1(zone: -, host: -) active: primary 8, replicas 8
            m2(zone: -, host: -) draining: primary 0, replicas 0
            """)
    }
}
