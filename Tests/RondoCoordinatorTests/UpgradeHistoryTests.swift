import RondoCore
import RondoPeer
import XCTest

@testable import RondoCoordinator

/// Each batch's step timings (`UpgradeRun.history`): recorded by the coordinator as it enters
/// each step, shown by `upgrade status`, persisted in a section of their own.
final class UpgradeHistoryTests: XCTestCase {
    private typealias H = CoordinatorHarness

    private func startedCluster(_ request: UpgradeRequest = H.request()) -> CoordinatorHarness {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(3)
        guard case .upgradeStatus = cluster.ctl(.upgradeStart(request)) else {
            XCTFail("start refused: \(cluster.lastReply!)")
            return cluster
        }
        return cluster
    }

    private func steps(_ record: UpgradeBatchRecord) -> [UpgradeStep] { record.steps.map(\.step) }

    func testEachBatchRecordsEveryStepInOrderWithItsTime() throws {
        var cluster = startedCluster()
        let startedAt = cluster.nowMilliseconds
        cluster.driveUntil(.restart)
        let restartOrderedAt = try XCTUnwrap(cluster.upgrade?.stepStartedAtMilliseconds)
        cluster.advance(milliseconds: 700)
        cluster.restartOrdersObeyed = 1
        cluster.restartProcess(node("n1"), on: "0.2.0")
        let restartMilliseconds = cluster.nowMilliseconds - restartOrderedAt
        cluster.driveUpgrade()
        let run = try XCTUnwrap(cluster.upgrade)
        XCTAssertEqual(run.outcome, .completed)

        XCTAssertEqual(run.history.map(\.nodes), [[node("n1")], [node("n2")], [node("n3")]])
        XCTAssertEqual(run.history.map(\.batchNumber), [1, 2, 3])
        for record in run.history {
            XCTAssertEqual(record.direction, .forward)
            XCTAssertEqual(steps(record), [.preflight, .release, .restart, .returning, .healthGate])
            XCTAssertEqual(record.steps.map(\.atMilliseconds), record.steps.map(\.atMilliseconds).sorted())
            XCTAssertNotNil(record.doneAtMilliseconds)
        }
        XCTAssertEqual(run.history[0].startedAtMilliseconds, startedAt)
        XCTAssertEqual(run.history[0].steps[2].atMilliseconds, restartOrderedAt)
        XCTAssertEqual(run.history[0].milliseconds(ofStepAt: 2, now: cluster.nowMilliseconds), restartMilliseconds, "order to return")
        XCTAssertGreaterThanOrEqual(restartMilliseconds, 700)
        XCTAssertEqual(run.history[2].doneAtMilliseconds, run.finishedAtMilliseconds)
        for (earlier, later) in zip(run.history, run.history.dropFirst()) {
            XCTAssertLessThanOrEqual(earlier.doneAtMilliseconds!, later.startedAtMilliseconds!)
        }

        guard case .upgradeStatus(let status) = cluster.ctl(.upgradeStatus) else { return XCTFail("no status") }
        let json = status.json.description
        XCTAssertTrue(json.contains("\"batches\":[{\"batch\":1,\"direction\":\"forward\",\"nodes\":[\"n1\"]"), json)
        XCTAssertTrue(json.contains("{\"step\":\"restart\",\"startMilliseconds\":\(restartOrderedAt - startedAt),\"milliseconds\":\(restartMilliseconds)}"), json)
        let text = status.description
        XCTAssertTrue(text.contains("batch     preflight     release     restart      return health gate    total  nodes"), text)
        XCTAssertTrue(text.contains(" \(restartMilliseconds / 1000).\((restartMilliseconds % 1000 + 50) / 100) s"), text)
        XCTAssertTrue(text.hasSuffix("n3"), text)
    }

    func testTheRunningStepIsMarkedAndTimedUntilNow() throws {
        var cluster = startedCluster()
        cluster.driveUntil(.restart)
        cluster.advance(milliseconds: 1_200, heartbeating: true)
        guard case .upgradeStatus(let status) = cluster.ctl(.upgradeStatus) else { return XCTFail("no status") }
        let record = try XCTUnwrap(status.history.last)
        XCTAssertNil(record.doneAtMilliseconds)
        XCTAssertEqual(steps(record).last, .restart)
        XCTAssertGreaterThanOrEqual(record.milliseconds(ofStepAt: record.steps.count - 1, now: cluster.nowMilliseconds), 1_200)
        XCTAssertTrue(status.description.contains("…s"), status.description)
        XCTAssertTrue(status.json.description.contains("\"doneMilliseconds\":null"), status.json.description)
    }

    func testAPauseResumedKeepsTheStepsFirstStart() throws {
        var cluster = startedCluster()
        cluster.driveUntil(.restart)
        let restartAt = try XCTUnwrap(cluster.upgrade?.stepStartedAtMilliseconds)
        cluster.ctl(.upgradePause)
        cluster.advance(milliseconds: 500)
        cluster.ctl(.upgradeResume)
        XCTAssertGreaterThan(try XCTUnwrap(cluster.upgrade?.stepStartedAtMilliseconds), restartAt, "the deadline restarts")
        let record = try XCTUnwrap(cluster.upgrade?.history.last)
        XCTAssertEqual(steps(record), [.preflight, .release, .restart], "entered again, recorded once")
        XCTAssertEqual(record.steps.last?.atMilliseconds, restartAt)
    }

    func testARollbackRecordsItsOwnBatchesAfterTheForwardOnes() throws {
        var cluster = startedCluster()
        cluster.driveUntilBatchDone()
        cluster.ctl(.upgradeRollback(binaryPath: nil))
        cluster.driveUpgrade(comeBackOn: { _ in "0.1.0" })
        let run = try XCTUnwrap(cluster.upgrade)
        XCTAssertEqual(run.outcome, .rolledBack)
        let rollback = run.history.filter { $0.direction == .rollback }
        XCTAssertEqual(rollback.map(\.nodes), [[node("n1")]])
        XCTAssertEqual(rollback.first?.batchNumber, 1)
        XCTAssertNotNil(rollback.first?.doneAtMilliseconds)
        XCTAssertEqual(run.history.first?.direction, .forward)
        XCTAssertTrue(run.history.allSatisfy { $0.doneAtMilliseconds != nil })
    }

    func testHistorySurvivesACoordinatorRestart() throws {
        var cluster = startedCluster()
        cluster.driveUntilBatchDone()
        cluster.driveUntil(.restart)
        let before = try XCTUnwrap(cluster.upgrade?.history)
        XCTAssertEqual(before.count, 2)
        cluster.restartCoordinator()
        XCTAssertEqual(cluster.upgrade?.history, before)
    }

    func testHistoryRoundTripsAndCorruptBytesAreTypedErrors() throws {
        var cluster = startedCluster()
        cluster.driveUntilBatchDone()
        let run = try XCTUnwrap(cluster.upgrade)
        let slot = run.historySlot
        XCTAssertEqual(try UpgradeRun.history(decoding: slot), run.history)
        for cut in [0, 1, 5, slot.bytes.count - 1] {
            XCTAssertThrowsError(try UpgradeRun.history(decoding: UpgradeStateSlot(formatVersion: 1, bytes: Array(slot.bytes.prefix(cut)))))
        }
        XCTAssertThrowsError(try UpgradeRun.history(decoding: UpgradeStateSlot(formatVersion: 1, bytes: slot.bytes + [0])))
        XCTAssertThrowsError(try UpgradeRun.history(decoding: UpgradeStateSlot(formatVersion: 2, bytes: slot.bytes))) { error in
            guard case UpgradeStateDecodeError.unsupportedFormat(2) = error else { return XCTFail("\(error)") }
        }
    }

    /// The history is informational: a coordinator that cannot read it (a newer format) resumes
    /// the run without it, where an unreadable run would refuse upgrade commands.
    func testUnreadableHistoryLeavesTheRunResumable() throws {
        var cluster = startedCluster()
        cluster.driveUntil(.restart)
        cluster.persisted?.upgradeHistory = UpgradeStateSlot(formatVersion: 9, bytes: [1, 2, 3])
        cluster.restartCoordinator()
        XCTAssertNil(cluster.coordinator.upgradeStateError)
        XCTAssertEqual(cluster.upgrade?.step, .restart)
        XCTAssertEqual(cluster.upgrade?.history.map(\.nodes), [[node("n1")]], "the earlier timings are gone")
        XCTAssertEqual(cluster.upgrade?.history.first.map(steps), [.restart], "recorded again from the resumed step")
    }

    func testTheTextNamesALargeBatchByItsFirstNodes() throws {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(10)
        guard case .upgradeStatus = cluster.ctl(.upgradeStart(H.request(strategy: .atomic))) else {
            return XCTFail("start refused: \(cluster.lastReply!)")
        }
        guard case .upgradeStatus(let status) = cluster.ctl(.upgradeStatus) else { return XCTFail("no status") }
        XCTAssertEqual(status.history.last?.nodes.count, 5)
        let row = try XCTUnwrap(status.description.split(separator: "\n").last)
        XCTAssertTrue(row.hasSuffix(" +1 more"), String(row))
        let named = try XCTUnwrap(row.split(separator: " ").dropLast(2).last)
        XCTAssertEqual(named.split(separator: ",").count, 4, String(row))
        XCTAssertTrue(status.json.description.contains("\"nodes\":[\"\(status.history.last!.nodes.map(\.rawValue).joined(separator: "\",\""))\"]"))
    }

    func testTheHistoryKeepsItsNewestBatches() {
        var run = UpgradeRun(
            request: H.request(), direction: .forward, rollbackBinaryPath: nil, originalVersions: [:],
            batches: (0..<(UpgradeRun.historyBatchesMax + 10)).map { [node("n\($0)")] }, batchIndex: 0, step: .preflight,
            stepStartedAtMilliseconds: 0, stepDeadlineMilliseconds: 0, returned: [], reconnected: [], pausedReason: nil, stopRequest: nil,
            outcome: .running, startedAtMilliseconds: 0, finishedAtMilliseconds: nil, nodesDone: 0, baselineTransfers: 0, baselineBytes: 0)
        for index in 0..<run.batches.count {
            run.batchIndex = index
            run.enter(.preflight, now: Int64(index))
        }
        XCTAssertEqual(run.history.count, UpgradeRun.historyBatchesMax)
        XCTAssertEqual(run.history.first?.nodes, [node("n10")])
        XCTAssertEqual(run.history.last?.nodes, [node("n\(UpgradeRun.historyBatchesMax + 9)")])
        XCTAssertEqual(run.history.dropLast().allSatisfy { $0.doneAtMilliseconds != nil }, true, "a new batch ends the one before")
    }
}
