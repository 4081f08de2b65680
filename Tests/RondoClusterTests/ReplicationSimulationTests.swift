import RondoCluster
import XCTest

/// The seeded mini-simulation of one vnode (`VnodeSimulation`): every failure names its seed;
/// replay one with `VnodeSimulation(seed:)`.
final class ReplicationSimulationTests: XCTestCase {
    static let seedCount: UInt64 = 30
    static let faultyStepsPerRun = 700

    func testSeededRunsLoseNoAcknowledgedWriteAndConverge() {
        var totals = VnodeSimulation.Counters()
        for seed in 1...Self.seedCount {
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
            totals.refused += counters.refused
        }
        // The runs must exercise what they claim to.
        XCTAssertGreaterThan(totals.acknowledged, Int(Self.seedCount) * 100, "\(totals)")
        XCTAssertGreaterThan(totals.crashes, 10, "\(totals)")
        XCTAssertGreaterThan(totals.rebuilds, 3, "\(totals)")
        print("simulation totals over \(Self.seedCount) seeds: \(totals)")
    }
}
