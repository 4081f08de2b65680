import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

/// A default-sized ring (1024 vnodes, 3 replicas): growth to six members, a failure and its
/// re-replication, with every transfer, switch and drop played through; bounded in time so that
/// per-event work that grows with the ring shows up here.
final class ScaleTests: XCTestCase {
    func testDefaultRingGrowsFailsAndHeals() {
        var cluster = CoordinatorHarness(
            vnodes: 1024, replicas: 3, limits: TransferLimits(concurrencyPerNode: 8, bytesPerSecond: 1 << 30, inFlightMax: 64))
        for index in 1...6 {
            cluster.join("n\(index)")
            cluster.settle(rounds: 2_000)
        }
        XCTAssertEqual(cluster.table.members.count, 6)
        cluster.assertConverged()
        cluster.crash("n4")
        cluster.advance(milliseconds: 3_500)
        XCTAssertEqual(cluster.record("n4").state, .down)
        XCTAssertGreaterThan(cluster.state.underReplicatedVnodeCount, 0)
        cluster.settle(rounds: 2_000)
        cluster.assertConverged()
        XCTAssertEqual(cluster.table.placedReplicaCount, 3)
    }
}
