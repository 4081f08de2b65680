import Foundation
import RondoCoordinator
import RondoCore
import RondoPeer
import RondoSimulation
import XCTest

/// 0.2.0's gated wire change in the whole-cluster simulation: nodes of the first release (exactly
/// its `BuildInfo`) and of this build serve together with plain replication batches both ways;
/// a rolling upgrade brings every node to 0.2.0 and the batches stay plain until the operator
/// finalizes; after finalize they are LZ4. Every invariant is checked after every step, and an
/// LZ4 batch to a node whose build lacks the feature is a violation.
final class FeatureGateSimulationTests: XCTestCase {
    private static let oldBinary = "/opt/rondo-0.1.0"
    private static let newBinary = "/opt/rondo-0.2.0"
    private static let limits = UpgradeLimits(
        preflightMilliseconds: 15_000, migrationMilliseconds: 30_000, restartMilliseconds: 6_000,
        healthGateMilliseconds: 15_000, clientErrorsPerMillionMax: 1_000)

    private func seeds(_ defaults: [UInt64]) -> [UInt64] {
        SimulationReplay.seeds(default: defaults, environment: ProcessInfo.processInfo.environment)
    }

    func testOldAndNewNodesServeTogetherAndFinalizeSwitchesOnLZ4Batches() {
        for seed in seeds([40, 41]) {
            var configuration = SimulationConfiguration(seed: seed)
            configuration.initialNodeCount = 3
            configuration.nodeCountMax = 5
            configuration.replicaCount = 3
            configuration.dropPercent = 0
            configuration.duplicatePercent = 0
            configuration.builds = [Self.oldBinary: .release_0_1_0, Self.newBinary: .current]
            configuration.initialBinaryPath = Self.oldBinary
            let cluster = SimulatedCluster(configuration: configuration)
            XCTAssertTrue(cluster.bootstrap(), "seed \(seed): bootstrap: \(cluster.violations)")
            cluster.faultsEnabled = false

            // Two nodes of this build join three 0.1.0 nodes: five members on two releases.
            for _ in 0..<2 {
                let added = cluster.addNode(binaryPath: Self.newBinary)
                XCTAssertTrue(cluster.run(until: { cluster.memberState(of: added) != nil }, millisecondsMax: 5_000), "seed \(seed)")
                XCTAssertEqual(cluster.ctl(.join(added)).map { "\($0)" }?.hasPrefix("refused") ?? true, false, "seed \(seed)")
                XCTAssertTrue(
                    cluster.run(until: { cluster.memberState(of: added) == .active }, millisecondsMax: 30_000),
                    "seed \(seed): \(added) did not become active")
            }
            cluster.run(milliseconds: 6_000)
            let mixed = cluster.counters
            let (old, new) = (BuildInfo.release_0_1_0.softwareVersion, RondoVersion.current)
            XCTAssertGreaterThan(mixed.replicationBatchesByVersions["\(old)->\(new)", default: 0], 0, "seed \(seed): \(mixed.replicationBatchesByVersions)")
            XCTAssertGreaterThan(mixed.replicationBatchesByVersions["\(new)->\(old)", default: 0], 0, "seed \(seed): \(mixed.replicationBatchesByVersions)")
            XCTAssertEqual(mixed.replicationBatchesLZ4, 0, "seed \(seed): LZ4 while a 0.1.0 member is in the cluster")
            XCTAssertTrue(cluster.violations.isEmpty, "seed \(seed): \(cluster.violations)")

            // The rolling upgrade, without auto-finalize: rollback stays possible, batches plain.
            let request = UpgradeRequest(
                targetVersion: RondoVersion.current, binaryPath: Self.newBinary, strategy: .group(batchSize: 1), restartMode: .inPlace,
                autoFinalize: false, limits: Self.limits)
            if case .refused(let error)? = cluster.ctl(.upgradeStart(request)) { XCTFail("seed \(seed): \(error)") }
            cluster.run(
                until: { cluster.upgradeStatus.map { $0.outcome != .running || $0.pausedReason != nil } ?? false },
                millisecondsMax: 150_000)
            XCTAssertEqual(cluster.upgradeStatus?.outcome, .completed, "seed \(seed): \(cluster.upgradeStatus?.description ?? "none")")
            for id in cluster.nodeIDs { XCTAssertEqual(cluster.softwareVersion(of: id), RondoVersion.current, "seed \(seed): \(id)") }
            XCTAssertNil(cluster.finalizedVersion)
            cluster.run(milliseconds: 3_000)
            XCTAssertEqual(cluster.counters.replicationBatchesLZ4, 0, "seed \(seed): LZ4 before finalize")
            let plainBeforeFinalize = cluster.counters.replicationBatchesPlain

            XCTAssertEqual(cluster.ctl(.upgradeFinalize).map { "\($0)" }?.hasPrefix("refused") ?? true, false, "seed \(seed)")
            XCTAssertEqual(cluster.finalizedVersion, RondoVersion.current)
            cluster.run(milliseconds: 6_000)
            XCTAssertGreaterThan(cluster.counters.replicationBatchesLZ4, 0, "seed \(seed): no LZ4 batch after finalize")
            cluster.settleAndCheck()
            print(
                "simulation feature-gate seed \(seed): \(cluster.counters); plain before finalize \(plainBeforeFinalize); "
                    + "by versions \(cluster.counters.replicationBatchesByVersions); known gaps \(cluster.knownGaps)")
            for violation in cluster.violations { XCTFail(violation) }
        }
    }
}
