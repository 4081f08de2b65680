import Foundation
import RondoCluster
import XCTest

/// The seeded mini-simulation of one vnode (`VnodeSimulation`): every failure names its seed.
/// `RONDO_SIMULATION_FIRST_SEED=n RONDO_SIMULATION_SEEDS=k` replays seeds n..<n+k (default 1, 30).
final class ReplicationSimulationTests: XCTestCase {
    static let faultyStepsPerRun = 700

    private static func setting(_ name: String, default value: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment[name].flatMap { UInt64($0) } ?? value
    }

    func testSeededRunsLoseNoAcknowledgedWriteAndConverge() {
        let firstSeed = Self.setting("RONDO_SIMULATION_FIRST_SEED", default: 1)
        let seedCount = max(1, Self.setting("RONDO_SIMULATION_SEEDS", default: 30))
        var totals = VnodeSimulation.Counters()
        for seed in firstSeed..<firstSeed + seedCount {
            var simulation = VnodeSimulation(seed: seed)
            for _ in 0..<Self.faultyStepsPerRun where simulation.violations.isEmpty {
                simulation.stepWithFaults()
            }
            let settled = simulation.violations.isEmpty && simulation.settle(stepsMax: 4000)
            simulation.checkPrimary()
            for violation in simulation.violations.prefix(5) { XCTFail(violation) }
            if simulation.violations.isEmpty && !settled {
                XCTFail("seed \(seed) (\(simulation.policy)): replicas did not converge by t=\(simulation.now)ms \(simulation.counters)")
            }
            let counters = simulation.counters
            totals.steps += counters.steps
            totals.writes += counters.writes
            totals.acknowledged += counters.acknowledged
            totals.failed += counters.failed
            totals.crashes += counters.crashes
            totals.rebuilds += counters.rebuilds
            totals.catchUps += counters.catchUps
            totals.partitions += counters.partitions
            totals.lagging += counters.lagging
            totals.refused += counters.refused
        }
        // The runs must exercise what they claim to.
        print("simulation totals over seeds \(firstSeed)..<\(firstSeed + seedCount): \(totals)")
        guard seedCount >= 30 else { return }
        XCTAssertGreaterThan(totals.acknowledged, Int(seedCount) * 100, "\(totals)")
        XCTAssertGreaterThan(totals.crashes, 10, "\(totals)")
        XCTAssertGreaterThan(totals.rebuilds, 3, "\(totals)")
        XCTAssertGreaterThan(totals.catchUps, 3, "\(totals)")
        XCTAssertGreaterThan(totals.failed, 0, "partitions outlast the write timeout: \(totals)")
        XCTAssertGreaterThan(totals.lagging, 0, "\(totals)")
    }
}
