import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

/// The nodes' side of a rolling upgrade for `CoordinatorHarness`: restart orders are carried out
/// by restarting the node's process on a given version.
extension CoordinatorHarness {
    static func request(
        to version: String? = "0.2.0", binary: String? = nil, strategy: UpgradeStrategy = .group(batchSize: 1),
        mode: RestartMode = .inPlace, autoFinalize: Bool = false, restartMilliseconds: Int64 = 5_000
    ) -> UpgradeRequest {
        var limits = UpgradeLimits.default
        limits.restartMilliseconds = restartMilliseconds
        limits.preflightMilliseconds = 5_000
        limits.migrationMilliseconds = 60_000
        limits.healthGateMilliseconds = 5_000
        return UpgradeRequest(
            targetVersion: version.flatMap(SemanticVersion.init), binaryPath: binary, strategy: strategy, restartMode: mode,
            autoFinalize: autoFinalize, limits: limits)
    }

    var upgrade: UpgradeRun? { coordinator.upgradeRun }

    /// `count` active members n1...n<count>, settled.
    mutating func formCluster(_ count: Int) {
        for index in 1...count {
            join("n\(index)")
            settle()
        }
    }

    /// Every vnode's replica list, to compare placements across epochs.
    var placement: [[MemberID]] { (0..<table.vnodeCount.value).map { table.replicas(of: $0) } }

    /// The node's process restarts: the old one dies (closing its connection) and, unless
    /// `version` is nil, a new one says hello on `version` holding no data.
    mutating func restartProcess(_ id: NodeID, on version: String?) {
        crash(id.rawValue, closingConnection: true)
        if let version { _ = connect(id.rawValue, version: version, holdsNoData: true) }
    }

    /// Runs the nodes' side while the upgrade runs unpaused: acknowledgements, transfers, and
    /// restart orders carried out by restarting on `comeBackOn(node)` (nil: the node never
    /// comes back). Bounded.
    mutating func driveUpgrade(rounds: Int = 2_000, comeBackOn: (NodeID) -> String? = { _ in "0.2.0" }) {
        for _ in 0..<rounds {
            guard let run = upgrade, run.isRunning, !run.isPaused else { return }
            acknowledgeAll()
            completeTransfers()
            acknowledgeAll()
            obeyRestartOrders(comeBackOn: comeBackOn)
            advance(milliseconds: 100)
        }
        XCTFail("the upgrade did not finish or pause: \(coordinator.upgradeStatus(nowMilliseconds: nowMilliseconds)!)", file: file, line: line)
    }

    mutating func obeyRestartOrders(comeBackOn: (NodeID) -> String?) {
        while restartOrdersObeyed < restartOrders.count {
            let order = restartOrders[restartOrdersObeyed]
            restartOrdersObeyed += 1
            restartProcess(order.node, on: comeBackOn(order.node))
        }
    }

    /// Runs until the upgrade reaches `step` (or stops), without carrying out restart orders.
    mutating func driveUntil(_ step: UpgradeStep, rounds: Int = 600) {
        for _ in 0..<rounds {
            guard let run = upgrade, run.isRunning, run.step != step else { return }
            acknowledgeAll()
            completeTransfers()
            acknowledgeAll()
            advance(milliseconds: 100)
        }
        XCTFail("the upgrade did not reach \(step)", file: file, line: line)
    }

    /// Runs (carrying out restart orders) until the current batch is done or the upgrade stops.
    mutating func driveUntilBatchDone(rounds: Int = 600, comeBackOn: (NodeID) -> String? = { _ in "0.2.0" }) {
        let index = upgrade?.batchIndex
        for _ in 0..<rounds {
            guard let run = upgrade, run.isRunning, !run.isPaused, run.batchIndex == index else { return }
            acknowledgeAll()
            completeTransfers()
            acknowledgeAll()
            obeyRestartOrders(comeBackOn: comeBackOn)
            advance(milliseconds: 100)
        }
        XCTFail("the batch did not finish", file: file, line: line)
    }

    /// The cluster is whole: every member (but those that left) active and connected, nothing under-replicated.
    func assertWhole(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(state.underReplicatedVnodeCount, 0, file: file, line: line)
        for record in state.members.values where record.memberID != nil && record.state != .left {
            XCTAssertEqual(record.state, .active, "\(record.nodeID)", file: file, line: line)
        }
    }
}
