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
