import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

final class RestartTests: XCTestCase {
    func testRestartResumesMidMigrationAndAdoptsAHigherEpoch() {
        var cluster = CoordinatorHarness(replicas: 2, limits: TransferLimits(concurrencyPerNode: 2, bytesPerSecond: 1 << 20, inFlightMax: 4))
        for name in ["n1", "n2", "n3"] {
            cluster.join(name)
            cluster.settle()
        }
        cluster.join("n4")
        cluster.completeTransfers(limit: 3)
        let target = cluster.state.target!
        let done = cluster.state.counters.transfersCompleted
        let epoch = cluster.state.epoch
        cluster.restartCoordinator(reportedEpochs: [node("n1"): epoch + 5, node("n2"): epoch])
        XCTAssertEqual(cluster.state.epoch, epoch + 6, "republished above the reported epoch")
        XCTAssertEqual(cluster.highestPushedEpoch, epoch + 6)
        XCTAssertEqual(cluster.state.target?.epoch, target.epoch + 6)
        XCTAssertEqual(cluster.state.counters.transfersCompleted, done, "finished copies are kept")
        XCTAssertEqual(cluster.record("n4").state, .joining)
        XCTAssertFalse(cluster.transfers.isEmpty, "interrupted copies start again once nodes reconnect")
        cluster.settle()
        XCTAssertEqual(cluster.record("n4").state, .active)
        XCTAssertGreaterThan(cluster.state.epoch, epoch + 6)
        cluster.assertConverged()
    }

    /// Simulation finding 11 (upgrade mix seed 328): drops went out to n1 just before the
    /// coordinator died and were lost with its connection; the persisted state counted them done,
    /// so n1 kept copies nobody listed. A heartbeat reporting such a copy gets it dropped.
    func testCopyWhoseDropWasLostIsDroppedWhenItsNodeReportsIt() {
        var cluster = CoordinatorHarness(replicas: 2)
        for name in ["n1", "n2", "n3"] {
            cluster.join(name)
            cluster.settle()
        }
        let n1 = cluster.record("n1").memberID!
        let vnode = (0..<cluster.table.vnodeCount.value).first { !cluster.table.replicas(of: $0).contains(n1) }!
        cluster.restartCoordinator()
        cluster.drops = []
        cluster.heartbeats(sequences: [node("n1"): [vnode: 7]])
        XCTAssertEqual(cluster.drops.map(\.node), [node("n1")])
        XCTAssertEqual(cluster.drops.map(\.vnode), [vnode])
        // A heartbeat that crossed the drop asks for it again (a drop is idempotent); copies a
        // node is listed for are never dropped.
        let listed = cluster.table.vnodes(ownedBy: cluster.record("n2").memberID!).map { ($0, UInt64(1)) }
        cluster.heartbeats(sequences: [node("n1"): [vnode: 7], node("n2"): Dictionary(uniqueKeysWithValues: listed)])
        XCTAssertEqual(cluster.drops.map(\.node), [node("n1"), node("n1")], "\(cluster.drops)")
        cluster.assertConverged()
    }

    func testEventsBeforeRecoveryAreRefused() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.join("n1")
        var recovering = Coordinator(recoveringWith: cluster.coordinator.configuration, persisted: cluster.persisted!)
        let actions = recovering.tick(nowMilliseconds: 0)
        guard case .log(.warning, _) = actions.first, actions.count == 1 else { return XCTFail("\(actions)") }
        XCTAssertFalse(recovering.restarted(epochsReportedByNodes: [:], nowMilliseconds: 0).isEmpty)
        XCTAssertEqual(recovering.state.epoch, 1)
    }
}
