import Foundation
import RondoCluster
import RondoCoordinator
import RondoCore
import RondoSimulation
import XCTest

/// Whole-cluster scenarios. Each runs with faults, then settles and checks the quiet
/// invariants; every failure message starts with "seed S step N", and
/// `RONDO_SIM_SEED=S swift test --filter RondoSimulationTests` replays that seed.
final class ClusterSimulationTests: XCTestCase {
    private func seeds(_ defaults: [UInt64]) -> [UInt64] {
        SimulationReplay.seeds(default: defaults, environment: ProcessInfo.processInfo.environment)
    }

    private func finish(_ cluster: SimulatedCluster, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        cluster.settleAndCheck()
        print("simulation \(name) seed \(cluster.configuration.seed): \(cluster.counters); known gaps \(cluster.knownGaps)")
        for violation in cluster.violations { XCTFail(violation, file: file, line: line) }
    }

    private func bootstrapped(_ configuration: SimulationConfiguration) -> SimulatedCluster {
        let cluster = SimulatedCluster(configuration: configuration)
        cluster.printsCoordinatorLog = ProcessInfo.processInfo.environment[SimulationReplay.logVariable] != nil
        XCTAssertTrue(cluster.bootstrap(), "seed \(configuration.seed): bootstrap: \(cluster.violations)")
        if configuration.seed % 2 == 0 {
            // Finalized at this build: the feature gate opens and primaries send LZ4 replication
            // batches, so the fault scenarios cover both batch forms (even seeds LZ4, odd plain).
            if case .refused(let error)? = cluster.ctl(.upgradeFinalize) {
                XCTFail("seed \(configuration.seed): finalize refused: \(error)")
            }
        }
        return cluster
    }

    func testSteadyWrites() {
        for seed in seeds([1]) {
            var configuration = SimulationConfiguration(seed: seed)
            configuration.dropPercent = 0
            configuration.duplicatePercent = 0
            let cluster = bootstrapped(configuration)
            cluster.faultsEnabled = false
            cluster.run(milliseconds: 3_000)
            finish(cluster, "steady")
        }
    }

    func testNodeCrashDuringWrites() {
        for seed in seeds([2]) {
            let cluster = bootstrapped(SimulationConfiguration(seed: seed))
            cluster.faultsEnabled = false
            cluster.run(milliseconds: 500)
            cluster.crash(cluster.nodeIDs[1])
            cluster.run(milliseconds: 6_000)
            finish(cluster, "node-crash")
        }
    }

    func testJoinReleaseLeaveDuringWrites() {
        for seed in seeds([3]) {
            var configuration = SimulationConfiguration(seed: seed)
            configuration.initialNodeCount = 3
            let cluster = bootstrapped(configuration)
            cluster.faultsEnabled = false
            let newcomer = cluster.addNode()
            cluster.run(milliseconds: 200)
            XCTAssertNotNil(cluster.ctl(.join(newcomer)))
            cluster.run(milliseconds: 3_000)
            let leaver = cluster.nodeIDs[0]
            XCTAssertNotNil(cluster.ctl(.release(leaver)))
            XCTAssertTrue(cluster.run(until: { cluster.isReleased(leaver) }, millisecondsMax: 20_000), "seed \(seed): release did not finish")
            if case .refused(let error)? = cluster.ctl(.leave(leaver)) { XCTFail("seed \(seed): leave refused: \(error)") }
            cluster.run(milliseconds: 1_000)
            finish(cluster, "join-release-leave")
        }
    }

    func testCoordinatorRestartMidMigration() {
        for seed in seeds([4]) {
            let cluster = bootstrapped(SimulationConfiguration(seed: seed))
            cluster.faultsEnabled = false
            let newcomer = cluster.addNode()
            cluster.run(milliseconds: 200)
            XCTAssertNotNil(cluster.ctl(.join(newcomer)))
            cluster.run(milliseconds: 150)
            cluster.crashCoordinator(restartAfterMilliseconds: 1_000)
            cluster.run(milliseconds: 4_000)
            finish(cluster, "coordinator-restart")
        }
    }

    func testRandomFaultMixes() {
        for seed in seeds(Array(100..<106)) {
            var configuration = SimulationConfiguration(seed: seed)
            configuration.dropPercent = Int(seed % 15)
            configuration.initialNodeCount = 3 + Int(seed % 2)
            configuration.vnodeCount = seed % 3 == 0 ? 32 : 16
            let cluster = bootstrapped(configuration)
            cluster.run(milliseconds: 8_000)
            finish(cluster, "random-mix")
        }
    }
}
