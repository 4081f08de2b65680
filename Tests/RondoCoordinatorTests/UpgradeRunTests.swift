import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

/// The coordinator's upgrade state machine driven step by step with a fake clock and fake nodes.
final class UpgradeRunTests: XCTestCase {
    private typealias H = CoordinatorHarness

    private func cluster(nodes: Int = 3, replicas: Int = 2) -> CoordinatorHarness {
        var cluster = CoordinatorHarness(replicas: replicas)
        cluster.formCluster(nodes)
        return cluster
    }

    private func start(_ cluster: inout CoordinatorHarness, _ request: UpgradeRequest = H.request()) {
        guard case .upgradeStatus(let status) = cluster.ctl(.upgradeStart(request)) else {
            return XCTFail("start refused: \(cluster.lastReply!)")
        }
        XCTAssertEqual(status.outcome, .running)
    }

    private func status(_ cluster: inout CoordinatorHarness) -> UpgradeStatus {
        guard case .upgradeStatus(let status) = cluster.ctl(.upgradeStatus) else {
            XCTFail("no status: \(cluster.lastReply!)")
            return cluster.coordinator.upgradeStatus(nowMilliseconds: 0)!
        }
        return status
    }

    func testWholeThreeNodeUpgradeEndsWithThePlacementItBeganWith() {
        var cluster = cluster()
        let before = cluster.placement
        start(&cluster, H.request(autoFinalize: true))
        // Batch 1 step by step: release first, nothing restarts before the node holds nothing.
        XCTAssertEqual(cluster.upgrade?.step, .release)
        XCTAssertEqual(cluster.record("n1").state, .draining(released: false))
        XCTAssertTrue(cluster.restartOrders.isEmpty)
        cluster.driveUntil(.restart)
        XCTAssertEqual(cluster.restartOrders.map(\.node), [node("n1")])
        XCTAssertEqual(cluster.restartOrders[0].mode, .inPlace)
        XCTAssertEqual(cluster.record("n1").state, .draining(released: true))
        XCTAssertEqual(cluster.state.underReplicatedVnodeCount, 0, "released with full redundancy")
        XCTAssertTrue(cluster.table.vnodes(ownedBy: cluster.record("n1").memberID!).isEmpty)
        cluster.restartOrdersObeyed = 1
        cluster.restartProcess(node("n1"), on: "0.2.0")
        XCTAssertEqual(cluster.upgrade?.step, .returning)
        XCTAssertEqual(cluster.record("n1").state, .joining)
        cluster.driveUntilBatchDone()
        XCTAssertEqual(cluster.upgrade?.batchIndex, 1)
        XCTAssertEqual(cluster.upgrade?.step, .release, "the next batch passed its preflight at once")
        XCTAssertEqual(cluster.upgrade?.nodesDone, 1)
        XCTAssertEqual(cluster.placement, before, "the return restored the placement")
        // The rest as the nodes would do it.
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
        XCTAssertEqual(cluster.restartOrders.map(\.node), [node("n1"), node("n2"), node("n3")])
        for name in ["n1", "n2", "n3"] { XCTAssertEqual(cluster.record(name).build.softwareVersion, SemanticVersion("0.2.0")) }
        XCTAssertEqual(cluster.placement, before)
        cluster.assertWhole()
        cluster.settle()
        cluster.assertConverged()
        XCTAssertEqual(cluster.state.finalizedVersion, SemanticVersion("0.2.0"), "auto-finalize")
        let status = status(&cluster)
        XCTAssertEqual(status.nodesDone, 3)
        XCTAssertEqual(status.nodesTotal, 3)
        XCTAssertGreaterThan(status.vnodesMoved, 0)
        XCTAssertTrue(status.description.contains("[##############################] 3/3 nodes"), status.description)
        XCTAssertTrue(status.json.description.contains("\"outcome\":\"completed\""))
        // Old nodes are refused after finalize: a rollback is no longer possible.
        guard case .refused(.upgrade(.rollbackAfterFinalize)) = cluster.ctl(.upgradeRollback(binaryPath: nil)) else {
            return XCTFail("rollback after finalize: \(cluster.lastReply!)")
        }
    }

    func testNodeBackOnTheOldVersionIsNotDoneAndPausesAtTheDeadline() {
        var cluster = cluster()
        start(&cluster, H.request(restartMilliseconds: 2_000))
        cluster.driveUntil(.restart)
        cluster.restartOrdersObeyed = 1
        cluster.restartProcess(node("n1"), on: "0.1.0")
        XCTAssertEqual(cluster.upgrade?.step, .restart, "the old version is not accepted")
        XCTAssertEqual(cluster.record("n1").state, .draining(released: true))
        cluster.advance(milliseconds: 2_100)
        let run = cluster.upgrade!
        XCTAssertEqual(run.step, .restart)
        XCTAssertTrue(run.pausedReason?.contains("n1 (back on 0.1.0, expected 0.2.0)") == true, run.pausedReason ?? "not paused")
        XCTAssertEqual(cluster.state.underReplicatedVnodeCount, 0, "paused fully redundant")
        XCTAssertTrue(status(&cluster).description.contains("paused: restart of batch 1"))
        // The operator fixes the binary and resumes: the order goes out again and the node comes back right.
        cluster.ctl(.upgradeResume)
        XCTAssertEqual(cluster.restartOrders.count, 2)
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
    }

    func testNodeMissingItsDeadlinePausesWithReasonAndIsNotDeclaredDown() {
        var cluster = cluster()
        start(&cluster, H.request(restartMilliseconds: 4_000))
        cluster.driveUpgrade(comeBackOn: { _ in nil })
        let run = cluster.upgrade!
        XCTAssertTrue(run.isPaused)
        XCTAssertEqual(run.step, .restart)
        XCTAssertTrue(run.pausedReason!.contains("n1 (not back, expected 0.2.0)"), run.pausedReason!)
        XCTAssertEqual(cluster.record("n1").state, .draining(released: true), "silent past downAfter, but released: kept")
        XCTAssertEqual(cluster.state.underReplicatedVnodeCount, 0)
        // Paused means nothing moves on, however long it stays so.
        cluster.advance(milliseconds: 10_000)
        XCTAssertEqual(cluster.upgrade?.step, .restart)
        XCTAssertEqual(cluster.restartOrders.count, 1)
        _ = cluster.connect("n1", version: "0.2.0", holdsNoData: true)
        cluster.ctl(.upgradeResume)
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
        cluster.assertWhole()
    }

    func testOperatorCanGiveUpOnANodeThatDoesNotComeBack() {
        var cluster = cluster(nodes: 4)
        start(&cluster, H.request(restartMilliseconds: 2_000))
        cluster.driveUpgrade(comeBackOn: { $0 == node("n1") ? nil : "0.2.0" })
        XCTAssertTrue(cluster.upgrade!.isPaused)
        guard case .done = cluster.ctl(.leave(node("n1"))) else { return XCTFail("leave a released node: \(cluster.lastReply!)") }
        cluster.ctl(.upgradeResume)
        cluster.driveUpgrade(comeBackOn: { $0 == node("n1") ? nil : "0.2.0" })
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
        XCTAssertEqual(cluster.upgrade?.nodesDone, 3)
        cluster.assertWhole()
    }

    func testNodeCrashingMidReleasePausesThenIsReleasedAgainOnResume() {
        var cluster = cluster()
        start(&cluster)
        cluster.completeTransfers(limit: 1)
        cluster.crash("n1")
        cluster.advance(milliseconds: 3_100)
        XCTAssertEqual(cluster.record("n1").state, .down)
        XCTAssertTrue(cluster.upgrade?.pausedReason?.contains("n1 went down during the release") == true, cluster.upgrade?.pausedReason ?? "")
        cluster.settle()
        XCTAssertEqual(cluster.state.underReplicatedVnodeCount, 0, "re-replicated without n1")
        _ = cluster.connect("n1", holdsNoData: true)
        cluster.settle()
        XCTAssertEqual(cluster.record("n1").state, .active, "rejoined empty and refilled")
        cluster.ctl(.upgradeResume)
        XCTAssertEqual(cluster.record("n1").state, .draining(released: false), "released again")
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
        cluster.assertWhole()
        cluster.settle()
        cluster.assertConverged()
    }

    func testPauseHoldsTheNextStepAndResumeContinues() {
        var cluster = cluster()
        start(&cluster)
        guard case .upgradeStatus(let paused) = cluster.ctl(.upgradePause) else { return XCTFail("\(cluster.lastReply!)") }
        XCTAssertEqual(paused.pausedReason, "paused by the operator")
        guard case .refused(.upgrade(.alreadyPaused)) = cluster.ctl(.upgradePause) else { return XCTFail("paused twice") }
        cluster.settle()
        XCTAssertEqual(cluster.record("n1").state, .draining(released: true), "the release in progress finishes")
        XCTAssertEqual(cluster.upgrade?.step, .release, "but the restart waits")
        XCTAssertTrue(cluster.restartOrders.isEmpty)
        cluster.ctl(.upgradeResume)
        XCTAssertEqual(cluster.upgrade?.step, .restart)
        XCTAssertEqual(cluster.restartOrders.count, 1)
        guard case .refused(.upgrade(.notPaused)) = cluster.ctl(.upgradeResume) else { return XCTFail("resumed twice") }
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
    }

    func testAbortDuringReleaseBringsTheNodeBackOnItsVersion() {
        var cluster = cluster()
        let before = cluster.placement
        start(&cluster)
        cluster.completeTransfers(limit: 2)
        cluster.ctl(.upgradeAbort)
        XCTAssertNotEqual(cluster.upgrade?.step, .release, "the release is undone at once")
        XCTAssertNotEqual(cluster.upgrade?.step, .restart)
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .aborted)
        XCTAssertTrue(cluster.restartOrders.isEmpty, "aborted before any restart")
        XCTAssertEqual(cluster.upgrade?.nodesDone, 0)
        cluster.assertWhole()
        cluster.settle()
        XCTAssertEqual(cluster.placement, before)
        guard case .refused(.upgrade(.finished(.aborted))) = cluster.ctl(.upgradePause) else { return XCTFail("\(cluster.lastReply!)") }
    }

    func testAbortDuringRestartWaitsForTheNodeThenStops() {
        var cluster = cluster()
        start(&cluster)
        cluster.driveUntil(.restart)
        cluster.ctl(.upgradeAbort)
        XCTAssertEqual(cluster.upgrade?.step, .restart, "the node is restarting: the cluster is whole only once it is back")
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .aborted)
        XCTAssertEqual(cluster.upgrade?.nodesDone, 1)
        XCTAssertEqual(cluster.restartOrders.count, 1)
        cluster.assertWhole()
    }

    func testRollbackBringsUpgradedNodesBackToTheirVersion() {
        var cluster = cluster()
        let before = cluster.placement
        start(&cluster, H.request(binary: "/opt/rondo-new"))
        cluster.driveUntil(.restart)
        XCTAssertEqual(cluster.restartOrders[0].binaryPath, "/opt/rondo-new")
        cluster.driveUntilBatchDone()
        XCTAssertEqual(cluster.upgrade?.batchIndex, 1)
        cluster.ctl(.upgradeRollback(binaryPath: "/opt/rondo-old"))
        cluster.driveUpgrade(comeBackOn: { _ in "0.1.0" })
        XCTAssertEqual(cluster.upgrade?.outcome, .rolledBack)
        XCTAssertEqual(cluster.upgrade?.direction, .rollback)
        XCTAssertEqual(cluster.upgrade?.batches, [[node("n1")]], "only the upgraded node goes back")
        XCTAssertEqual(cluster.restartOrders.map(\.node), [node("n1"), node("n1")])
        XCTAssertEqual(cluster.restartOrders.last?.binaryPath, "/opt/rondo-old")
        for name in ["n1", "n2", "n3"] { XCTAssertEqual(cluster.record(name).build.softwareVersion, SemanticVersion("0.1.0")) }
        cluster.settle()
        XCTAssertEqual(cluster.placement, before)
        cluster.assertConverged()
    }

    func testRollbackAfterACompletedUpgradeBeforeFinalize() {
        var cluster = cluster()
        start(&cluster)
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
        XCTAssertNil(cluster.state.finalizedVersion)
        cluster.ctl(.upgradeRollback(binaryPath: nil))
        XCTAssertEqual(cluster.upgrade?.batches.flatMap { $0 }, [node("n3"), node("n2"), node("n1")], "last upgraded first")
        cluster.driveUpgrade(comeBackOn: { _ in "0.1.0" })
        XCTAssertEqual(cluster.upgrade?.outcome, .rolledBack)
        XCTAssertEqual(cluster.upgrade?.nodesDone, 3)
    }

    func testFinalizeIsRefusedWhileAMemberRunsAnOlderVersion() {
        var cluster = cluster()
        start(&cluster)
        guard case .refused(.upgrade(.inProgress)) = cluster.ctl(.upgradeFinalize) else { return XCTFail("\(cluster.lastReply!)") }
        cluster.driveUntilBatchDone()
        cluster.ctl(.upgradeAbort)
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .aborted)
        guard case .refused(.upgrade(.membersOnOtherVersions(let older))) = cluster.ctl(.upgradeFinalize) else {
            return XCTFail("\(cluster.lastReply!)")
        }
        XCTAssertEqual(older.count, 2)
        XCTAssertNil(cluster.state.finalizedVersion)
    }

    func testStartIsRefusedWhileOneRuns() {
        var cluster = cluster()
        start(&cluster)
        guard case .refused(.upgrade(.inProgress(.release, 1))) = cluster.ctl(.upgradeStart(H.request())) else {
            return XCTFail("\(cluster.lastReply!)")
        }
        var empty = CoordinatorHarness()
        guard case .refused(.upgrade(.noUpgrade)) = empty.ctl(.upgradeStatus) else { return XCTFail("status without upgrade") }
    }

    func testPreflightWaitsForADisconnectedMemberThenPauses() {
        var cluster = cluster()
        cluster.apply(cluster.coordinator.nodeDisconnected(node("n3"), nowMilliseconds: cluster.nowMilliseconds))
        start(&cluster)
        XCTAssertEqual(cluster.upgrade?.step, .preflight)
        XCTAssertEqual(cluster.record("n1").state, .active, "nothing released while a member is away")
        cluster.advance(milliseconds: 5_100)
        XCTAssertTrue(cluster.upgrade?.pausedReason?.contains("n3 is not connected") == true, cluster.upgrade?.pausedReason ?? "")
    }

    func testHealthGateHoldsOnAReportedErrorRate() {
        var cluster = cluster()
        start(&cluster)
        cluster.driveUntil(.restart)
        cluster.restartProcess(node("n1"), on: "0.2.0")
        cluster.apply(
            cluster.coordinator.heartbeat(
                node("n2"), nowMilliseconds: cluster.nowMilliseconds, appliedSequences: [:], clientErrorsPerMillion: 50_000))
        cluster.driveUntil(.healthGate)
        cluster.acknowledgeAll()
        cluster.advance(milliseconds: 100)
        XCTAssertEqual(cluster.upgrade?.step, .healthGate, "held by n2's error rate")
        cluster.apply(
            cluster.coordinator.heartbeat(node("n2"), nowMilliseconds: cluster.nowMilliseconds, appliedSequences: [:], clientErrorsPerMillion: 0))
        cluster.advance(milliseconds: 100)
        XCTAssertEqual(cluster.upgrade?.batchIndex, 1)
        XCTAssertEqual(cluster.upgrade?.step, .release)
    }

    // MARK: coordinator restarts

    func testCoordinatorRestartDuringRestartStepResumesThere() {
        var cluster = cluster()
        start(&cluster)
        cluster.driveUntil(.restart)
        cluster.restartOrdersObeyed = 1
        cluster.crash("n1", closingConnection: true)
        let before = cluster.upgrade!
        cluster.restartCoordinator()
        let resumed = cluster.upgrade!
        XCTAssertEqual(resumed.step, .restart)
        XCTAssertEqual(resumed.batchIndex, before.batchIndex)
        XCTAssertEqual(resumed.batches, before.batches)
        XCTAssertEqual(resumed.originalVersions, before.originalVersions)
        XCTAssertEqual(cluster.record("n1").state, .draining(released: true))
        _ = cluster.connect("n1", version: "0.2.0", holdsNoData: true)
        XCTAssertEqual(cluster.upgrade?.step, .returning)
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
        cluster.assertWhole()
    }

    /// Simulation finding 9 (seed 24): the coordinator died right after admitting n1 back from
    /// its restart, before the acceptance reached n1, which then said hello to the new
    /// coordinator still holding no data. Declared down, it lost its drain record and its return
    /// no longer restored the placement.
    func testReturningNodeWhoseAcceptanceDiedWithTheCoordinatorKeepsItsReturn() {
        var cluster = cluster()
        let before = cluster.placement
        start(&cluster)
        cluster.driveUntil(.restart)
        cluster.restartOrdersObeyed = 1
        cluster.restartProcess(node("n1"), on: "0.2.0")
        XCTAssertEqual(cluster.upgrade?.step, .returning)
        // n1's acceptance is lost with the coordinator: n1 says hello again holding no data.
        cluster.crash("n1")
        cluster.restartCoordinator()
        _ = cluster.connect("n1", version: "0.2.0", holdsNoData: true)
        XCTAssertEqual(cluster.record("n1").state, .joining, "not declared down: the coordinator counts on no copy of n1")
        XCTAssertEqual(cluster.upgrade?.step, .returning)
        cluster.driveUntilBatchDone()
        XCTAssertEqual(cluster.placement, before, "the return restored the placement")
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
        cluster.assertWhole()
    }

    func testCoordinatorRestartResendsALostRestartOrder() {
        var cluster = cluster()
        start(&cluster)
        cluster.driveUntil(.restart)
        // The order died with the coordinator: n1 still runs the old version.
        cluster.restartOrdersObeyed = cluster.restartOrders.count
        cluster.restartCoordinator()
        XCTAssertEqual(cluster.restartOrders.count, 2, "n1 reconnected on 0.1.0 and got its order again")
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
    }

    func testCoordinatorRestartDuringReleaseResumesThere() {
        var cluster = cluster()
        start(&cluster)
        cluster.completeTransfers(limit: 1)
        cluster.restartCoordinator()
        XCTAssertEqual(cluster.upgrade?.step, .release)
        XCTAssertEqual(cluster.record("n1").state, .draining(released: false))
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
    }

    func testUnreadableUpgradeStateIsKeptAndRefusesCommands() {
        var cluster = cluster()
        var persisted = cluster.persisted!
        persisted.upgrade = UpgradeStateSlot(formatVersion: 99, bytes: [1, 2, 3])
        var recovering = Coordinator(recoveringWith: cluster.coordinator.configuration, persisted: persisted)
        let actions = recovering.restarted(epochsReportedByNodes: [:], nowMilliseconds: cluster.nowMilliseconds)
        XCTAssertTrue(actions.contains { if case .log(.error, let text) = $0 { text.contains("format 99") } else { false } })
        cluster.coordinator = recovering
        guard case .refused(.upgrade(.stateUnreadable(.unsupportedFormat(99)))) = cluster.ctl(.upgradeStart(H.request())) else {
            return XCTFail("\(cluster.lastReply!)")
        }
        XCTAssertEqual(cluster.state.upgrade, UpgradeStateSlot(formatVersion: 99, bytes: [1, 2, 3]), "kept untouched")
    }
}

/// Batches of several nodes: drained together, returned together, placement restored.
final class UpgradeBatchRunTests: XCTestCase {
    private func run(nodes: Int, strategy: UpgradeStrategy) {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(nodes)
        let before = cluster.placement
        guard case .upgradeStatus = cluster.ctl(.upgradeStart(CoordinatorHarness.request(strategy: strategy))) else {
            return XCTFail("\(cluster.lastReply!)")
        }
        cluster.driveUntil(.restart)
        XCTAssertEqual(cluster.upgrade?.currentBatch.count, 2)
        XCTAssertEqual(cluster.restartOrders.count, 2, "the batch restarts together")
        XCTAssertEqual(cluster.state.underReplicatedVnodeCount, 0)
        cluster.driveUpgrade()
        XCTAssertEqual(cluster.upgrade?.outcome, .completed)
        XCTAssertEqual(cluster.upgrade?.nodesDone, nodes)
        cluster.settle()
        XCTAssertEqual(cluster.placement, before, "returning last-drained first restores the placement")
        cluster.assertConverged()
    }

    func testGroupOfTwo() { run(nodes: 5, strategy: .group(batchSize: 2)) }

    func testAtomic() { run(nodes: 4, strategy: .atomic) }
}
