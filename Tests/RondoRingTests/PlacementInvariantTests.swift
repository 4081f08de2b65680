import RondoCore
import XCTest

@testable import RondoRing

final class PlacementInvariantTests: XCTestCase {
    /// Node counts sampled from 1...200 so the suite stays quick in debug builds.
    static let nodeCounts = [1, 2, 3, 4, 5, 6, 7, 8, 11, 16, 23, 32, 64, 97, 150, 200]

    func testInitialTablesAreValidAndBalanced() throws {
        for replicaCount in 1...3 {
            for nodeCount in Self.nodeCounts {
                let table = try RoutingTable.initial(replicaCount: replicaCount, nodes: descriptors(nodeCount))
                assertValid(table, "nodes \(nodeCount) replicas \(replicaCount)")
                XCTAssertEqual(table.epoch, 1)
                XCTAssertEqual(table.placedReplicaCount, min(replicaCount, nodeCount))
                XCTAssertEqual(table.replicaShortfall, max(0, replicaCount - nodeCount))
                for vnode in 0..<table.vnodeCount.value {
                    XCTAssertEqual(Set(table.replicas(of: vnode)).count, table.placedReplicaCount)
                    // The router's view: this vnode's replicas, primary first, not a neighbour's.
                    XCTAssertEqual(table.replicaSlots(of: vnode).first, table.primary(of: vnode))
                    XCTAssertEqual(table.replicaSlots(of: vnode).count, table.placedReplicaCount)
                }
            }
        }
    }

    func testZonesAreDistinctWhenZonesAreEven() throws {
        for replicaCount in 2...3 {
            for nodeCount in [6, 9, 12, 30, 60] {
                let table = try RoutingTable.initial(
                    replicaCount: replicaCount, nodes: descriptors(nodeCount, zones: 3))
                assertValid(table, "zones nodes \(nodeCount)")
                XCTAssertEqual(table.vnodesWithSharedZone, 0, "nodes \(nodeCount) replicas \(replicaCount)")
                XCTAssertFalse(table.zoneDistinctnessFallback)
            }
        }
    }

    func testFewerZonesThanReplicasFallsBackAndSaysSo() throws {
        let table = try RoutingTable.initial(replicaCount: 3, nodes: descriptors(8, zones: 2))
        assertValid(table, "two zones")
        XCTAssertTrue(table.zoneDistinctnessFallback)
    }

    func testOtherVnodeCountsAndReplicaFactors() throws {
        for (vnodes, replicaCount, nodeCount) in [(1, 1, 1), (1, 3, 5), (2, 5, 9), (4096, 5, 37), (65536, 1, 3)] {
            let table = try RoutingTable.initial(
                vnodeCount: try VnodeCount(vnodes), replicaCount: replicaCount, nodes: descriptors(nodeCount))
            assertValid(table, "\(vnodes) vnodes, \(replicaCount) replicas, \(nodeCount) nodes")
            let joined = try table.joining(NodeDescriptor(id: MemberID(500)))
            assertValid(joined, "\(vnodes) vnodes after join")
        }
    }

    func testLimitsAreTypedErrors() {
        XCTAssertThrowsError(try RoutingTable.initial(replicaCount: 6, nodes: descriptors(3))) {
            XCTAssertEqual($0 as? RingError, .replicaCountOutOfRange(6))
        }
        XCTAssertThrowsError(try RoutingTable.initial(replicaCount: 1, nodes: [])) {
            XCTAssertEqual($0 as? RingError, .noActiveMembers)
        }
        XCTAssertThrowsError(try RoutingTable.initial(replicaCount: 1, nodes: descriptors(1025))) {
            XCTAssertEqual($0 as? RingError, .tooManyMembers(1025))
        }
        let duplicate = descriptors(2) + descriptors(1)
        XCTAssertThrowsError(try RoutingTable.initial(replicaCount: 1, nodes: duplicate)) {
            XCTAssertEqual($0 as? RingError, .duplicateMember(MemberID(1)))
        }
    }
}
