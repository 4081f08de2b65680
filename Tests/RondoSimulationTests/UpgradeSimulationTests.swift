import Foundation
import RondoCoordinator
import RondoCore
import RondoPeer
import RondoSimulation
import XCTest

/// Whole rolling upgrades in the simulation: the real coordinator runs the upgrade, the nodes
/// drain, restart on the ordered binary and rejoin empty, clients keep writing and reading, and
/// every invariant is checked after every step. Failures start with "seed S step N";
/// `RONDO_SIM_SEED=S` replays one seed.
final class UpgradeSimulationTests: XCTestCase {
    private static let oldVersion = SemanticVersion(major: 0, minor: 1, patch: 0)
    private static let newVersion = SemanticVersion(major: 0, minor: 2, patch: 0)
    private static let oldBinary = "/opt/rondo-0.1.0"
    private static let newBinary = "/opt/rondo-0.2.0"
    /// Step times that fit a simulated run: a node that is not back 6 s after its order pauses
    /// the upgrade.
    private static let limits = UpgradeLimits(
        preflightMilliseconds: 15_000, migrationMilliseconds: 30_000, restartMilliseconds: 6_000,
        healthGateMilliseconds: 15_000, clientErrorsPerMillionMax: 1_000)
    /// Simulated time one `runUntilUpgradeStops` may take.
    private static let upgradeMillisecondsMax: Int64 = 150_000

    private func seeds(_ defaults: [UInt64]) -> [UInt64] {
        SimulationReplay.seeds(default: defaults, environment: ProcessInfo.processInfo.environment)
    }

    private func configuration(seed: UInt64, nodes: Int = 4, replicas: Int = 3) -> SimulationConfiguration {
        var configuration = SimulationConfiguration(seed: seed)
        configuration.initialNodeCount = nodes
        configuration.nodeCountMax = nodes
        configuration.replicaCount = replicas
        configuration.dropPercent = 0
        configuration.duplicatePercent = 0
        configuration.builds = [
            Self.oldBinary: SimulationConfiguration.build(Self.oldVersion),
            Self.newBinary: SimulationConfiguration.build(Self.newVersion),
        ]
        configuration.initialBinaryPath = Self.oldBinary
        return configuration
    }

    private func request(
        _ strategy: UpgradeStrategy, mode: RestartMode = .inPlace, autoFinalize: Bool = true
    ) -> UpgradeRequest {
        UpgradeRequest(
            targetVersion: Self.newVersion, binaryPath: Self.newBinary, strategy: strategy, restartMode: mode,
            autoFinalize: autoFinalize, limits: Self.limits)
    }

    private func bootstrapped(_ configuration: SimulationConfiguration, file: StaticString = #filePath, line: UInt = #line)
        -> SimulatedCluster
    {
        let cluster = SimulatedCluster(configuration: configuration)
        cluster.printsCoordinatorLog = ProcessInfo.processInfo.environment[SimulationReplay.logVariable] != nil
        XCTAssertTrue(cluster.bootstrap(), "seed \(configuration.seed): bootstrap: \(cluster.violations)", file: file, line: line)
        cluster.faultsEnabled = false
        cluster.run(milliseconds: 500)
        return cluster
    }

    private func start(_ cluster: SimulatedCluster, _ request: UpgradeRequest, file: StaticString = #filePath, line: UInt = #line) {
        if case .refused(let error)? = cluster.ctl(.upgradeStart(request)) {
            XCTFail("seed \(cluster.configuration.seed): upgrade start refused: \(error)", file: file, line: line)
        }
    }

    /// Runs until the upgrade finished or paused (the coordinator being down counts as neither).
    @discardableResult
    private func runUntilUpgradeStops(_ cluster: SimulatedCluster) -> UpgradeStatus? {
        cluster.run(
            until: {
                guard let status = cluster.upgradeStatus else { return false }
                return status.outcome != .running || status.pausedReason != nil
            }, millisecondsMax: Self.upgradeMillisecondsMax)
        return cluster.upgradeStatus
    }

    private func runUntil(
        _ cluster: SimulatedCluster, _ what: String, millisecondsMax: Int64 = 60_000, file: StaticString = #filePath, line: UInt = #line,
        _ condition: () -> Bool
    ) {
        XCTAssertTrue(
            cluster.run(until: condition, millisecondsMax: millisecondsMax),
            "seed \(cluster.configuration.seed) t=\(cluster.now)ms: \(what) did not happen; upgrade: \(cluster.upgradeStatus?.description ?? "none")",
            file: file, line: line)
    }

    private func assertCompleted(
        _ cluster: SimulatedCluster, _ status: UpgradeStatus?, outcome: UpgradeRun.Outcome = .completed,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let seed = cluster.configuration.seed
        XCTAssertEqual(status?.outcome, outcome, "seed \(seed): \(status?.description ?? "no status")", file: file, line: line)
        XCTAssertNil(status?.pausedReason, "seed \(seed)", file: file, line: line)
        guard outcome == .completed, let status else { return }
        // Each batch's step timings, through whatever faults and coordinator restarts the run met:
        // every batch recorded once, done, its steps in the procedure's order and time.
        let order = UpgradeStep.allCases
        let forward = status.history.filter { $0.direction == .forward }
        XCTAssertEqual(forward.map(\.batchNumber), Array(1...max(1, status.batchCount)), "seed \(seed): \(status)", file: file, line: line)
        for record in forward {
            XCTAssertNotNil(record.doneAtMilliseconds, "seed \(seed): batch \(record.batchNumber)", file: file, line: line)
            let indices = record.steps.map { order.firstIndex(of: $0.step)! }
            XCTAssertEqual(indices, indices.sorted(), "seed \(seed): batch \(record.batchNumber) steps \(record.steps)", file: file, line: line)
            let times = record.steps.map(\.atMilliseconds) + [record.doneAtMilliseconds ?? .max]
            XCTAssertEqual(times, times.sorted(), "seed \(seed): batch \(record.batchNumber) times", file: file, line: line)
        }
    }

    private func assertEveryNode(
        _ cluster: SimulatedCluster, runs version: SemanticVersion, except skipped: Set<NodeID> = [],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for id in cluster.nodeIDs where !skipped.contains(id) {
            XCTAssertEqual(cluster.softwareVersion(of: id), version, "seed \(cluster.configuration.seed): \(id)", file: file, line: line)
        }
    }

    private func finish(_ cluster: SimulatedCluster, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        cluster.settleAndCheck()
        print(
            "simulation \(name) seed \(cluster.configuration.seed): \(cluster.counters); "
                + "upgrade \(cluster.upgradeStatus?.outcome.description ?? "none"); known gaps \(cluster.knownGaps)")
        for violation in cluster.violations { XCTFail(violation, file: file, line: line) }
    }

    // MARK: Whole upgrades

    func testGroupUpgradeOneNodeAtATime() {
        for seed in seeds([20]) {
            let cluster = bootstrapped(configuration(seed: seed))
            let before = cluster.placement
            start(cluster, request(.group(batchSize: 1)))
            assertCompleted(cluster, runUntilUpgradeStops(cluster))
            assertEveryNode(cluster, runs: Self.newVersion)
            XCTAssertEqual(cluster.finalizedVersion, Self.newVersion, "seed \(seed): auto-finalize")
            XCTAssertEqual(cluster.counters.upgradeRestarts, 4, "seed \(seed)")
            cluster.run(milliseconds: 500)
            XCTAssertEqual(cluster.placement, before, "seed \(seed): the placement ends as it began")
            finish(cluster, "upgrade-group-1")
        }
    }

    func testGroupUpgradeTwoNodesAtATimeRestartedByTheOperator() {
        for seed in seeds([21]) {
            let cluster = bootstrapped(configuration(seed: seed, nodes: 4, replicas: 2))
            cluster.operatorBinaryPath = Self.newBinary
            let before = cluster.placement
            start(cluster, request(.group(batchSize: 2), mode: .external))
            assertCompleted(cluster, runUntilUpgradeStops(cluster))
            assertEveryNode(cluster, runs: Self.newVersion)
            XCTAssertEqual(cluster.finalizedVersion, Self.newVersion, "seed \(seed): auto-finalize")
            cluster.run(milliseconds: 500)
            XCTAssertEqual(cluster.placement, before, "seed \(seed): the placement ends as it began")
            finish(cluster, "upgrade-group-2-external")
        }
    }

    func testAtomicUpgrade() {
        for seed in seeds([22]) {
            // The remaining half must hold every vnode at full redundancy: 2 of 4 nodes hold 2 replicas.
            let cluster = bootstrapped(configuration(seed: seed, nodes: 4, replicas: 2))
            let before = cluster.placement
            start(cluster, request(.atomic))
            assertCompleted(cluster, runUntilUpgradeStops(cluster))
            assertEveryNode(cluster, runs: Self.newVersion)
            cluster.run(milliseconds: 500)
            XCTAssertEqual(cluster.placement, before, "seed \(seed): the placement ends as it began")
            finish(cluster, "upgrade-atomic")
        }
    }

    // MARK: Faults

    /// The crashed node stays away longer than `downAfter`: it is declared down, the upgrade
    /// pauses; once it rejoined, the operator resumes and its release starts again.
    func testNodeCrashingMidReleasePausesAndResumes() {
        for seed in seeds([23]) {
            var configuration = configuration(seed: seed)
            configuration.restartDelayMinMilliseconds = 3_500
            let cluster = bootstrapped(configuration)
            start(cluster, request(.group(batchSize: 1)))
            let victim = crashMidRelease(cluster)
            let paused = runUntilUpgradeStops(cluster)
            XCTAssertEqual(paused?.outcome, .running, "seed \(seed)")
            XCTAssertTrue(
                paused?.pausedReason?.contains("\(victim) went down during the release") == true, "seed \(seed): \(paused?.description ?? "")")
            runUntil(cluster, "\(victim) rejoining") { cluster.memberState(of: victim) == .active }
            if case .refused(let error)? = cluster.ctl(.upgradeResume) { XCTFail("seed \(seed): resume refused: \(error)") }
            assertCompleted(cluster, runUntilUpgradeStops(cluster))
            assertEveryNode(cluster, runs: Self.newVersion)
            finish(cluster, "upgrade-crash-mid-release")
        }
    }

    /// The crashed node is back before `downAfter`: the coordinator declares it down at its
    /// hello (it holds no data) and it rejoins at once, so the release takes it again without a
    /// pause (finding 10 in docs/simulation.md).
    func testNodeRestartingQuicklyMidReleaseIsReleasedAgain() {
        for seed in seeds([28]) {
            let cluster = bootstrapped(configuration(seed: seed))
            start(cluster, request(.group(batchSize: 1)))
            crashMidRelease(cluster)
            assertCompleted(cluster, runUntilUpgradeStops(cluster))
            assertEveryNode(cluster, runs: Self.newVersion)
            finish(cluster, "upgrade-quick-restart-mid-release")
        }
    }

    /// Crashes the second batch's node 30 ms into its release; returns it.
    @discardableResult
    private func crashMidRelease(_ cluster: SimulatedCluster, file: StaticString = #filePath, line: UInt = #line) -> NodeID {
        runUntil(cluster, "the second batch's release", file: file, line: line) {
            cluster.upgradeStatus?.batchNumber == 2 && cluster.upgradeStatus?.step == .release
        }
        let victim = cluster.upgradeStatus!.currentBatch[0]
        cluster.run(milliseconds: 30)
        cluster.crash(victim)
        return victim
    }

    func testCoordinatorRestartingMidUpgradeResumesAtTheSameStep() {
        for seed in seeds([24]) {
            let cluster = bootstrapped(configuration(seed: seed))
            let before = cluster.placement
            start(cluster, request(.group(batchSize: 1)))
            for step in [UpgradeStep.release, .restart, .returning] {
                runUntil(cluster, "the \(step) step") { cluster.upgradeStatus?.step == step }
                let batch = cluster.upgradeStatus!.batchNumber
                cluster.crashCoordinator(restartAfterMilliseconds: 800)
                runUntil(cluster, "the coordinator's restart") { cluster.upgradeStatus != nil }
                let resumed = cluster.upgradeStatus!
                XCTAssertEqual(resumed.batchNumber, batch, "seed \(seed): resumed in another batch: \(resumed)")
                XCTAssertGreaterThanOrEqual(resumed.step.rawValue, step.rawValue, "seed \(seed): resumed an earlier step: \(resumed)")
                XCTAssertNil(resumed.pausedReason, "seed \(seed)")
            }
            assertCompleted(cluster, runUntilUpgradeStops(cluster))
            assertEveryNode(cluster, runs: Self.newVersion)
            cluster.run(milliseconds: 500)
            XCTAssertEqual(cluster.placement, before, "seed \(seed): the placement ends as it began")
            finish(cluster, "upgrade-coordinator-restart")
        }
    }

    func testNodeNeverComingBackPausesUntilTheOperatorRemovesIt() {
        for seed in seeds([25]) {
            // Five nodes: once the lost one is removed, four still let a batch of one go.
            let cluster = bootstrapped(configuration(seed: seed, nodes: 5))
            let lost = cluster.nodeIDs[1]
            cluster.nodesThatNeverReturn = [lost]
            start(cluster, request(.group(batchSize: 1)))
            let paused = runUntilUpgradeStops(cluster)
            XCTAssertEqual(paused?.outcome, .running, "seed \(seed)")
            XCTAssertEqual(paused?.step, .restart, "seed \(seed)")
            XCTAssertTrue(paused?.pausedReason?.contains("\(lost) (not back") == true, "seed \(seed): \(paused?.description ?? "")")
            XCTAssertTrue(cluster.isStoppedForGood(lost), "seed \(seed)")
            if case .refused(let error)? = cluster.ctl(.leave(lost)) { XCTFail("seed \(seed): leave refused: \(error)") }
            if case .refused(let error)? = cluster.ctl(.upgradeResume) { XCTFail("seed \(seed): resume refused: \(error)") }
            assertCompleted(cluster, runUntilUpgradeStops(cluster))
            assertEveryNode(cluster, runs: Self.newVersion, except: [lost])
            XCTAssertEqual(cluster.memberState(of: lost), .left, "seed \(seed)")
            finish(cluster, "upgrade-node-never-back")
        }
    }

    func testUpgradeUnderMessageLoss() {
        for seed in seeds([26]) {
            var configuration = configuration(seed: seed)
            configuration.dropPercent = 12
            configuration.duplicatePercent = 4
            let cluster = bootstrapped(configuration)
            start(cluster, request(.group(batchSize: 1)))
            assertCompleted(cluster, runUntilUpgradeStops(cluster))
            assertEveryNode(cluster, runs: Self.newVersion)
            finish(cluster, "upgrade-message-loss")
        }
    }

    func testRollbackBeforeFinalizeReturnsToTheOldBuild() {
        for seed in seeds([27]) {
            let cluster = bootstrapped(configuration(seed: seed))
            let before = cluster.placement
            start(cluster, request(.group(batchSize: 1), autoFinalize: false))
            runUntil(cluster, "the third batch") { cluster.upgradeStatus?.batchNumber == 3 }
            if case .refused(let error)? = cluster.ctl(.upgradeRollback(binaryPath: Self.oldBinary)) {
                XCTFail("seed \(seed): rollback refused: \(error)")
            }
            assertCompleted(cluster, runUntilUpgradeStops(cluster), outcome: .rolledBack)
            assertEveryNode(cluster, runs: Self.oldVersion)
            XCTAssertNil(cluster.finalizedVersion, "seed \(seed)")
            cluster.run(milliseconds: 500)
            XCTAssertEqual(cluster.placement, before, "seed \(seed): the placement ends as it began")
            finish(cluster, "upgrade-rollback")
        }
    }

    /// Random strategy, restart mode and network loss, random faults at five times the usual
    /// rate (node crashes, coordinator restarts, partitions) throughout, plus one crash of a
    /// batch node and one coordinator restart at seeded points of the upgrade; the operator
    /// resumes each pause once every node is back. `RONDO_SIM_SEEDS=N` runs N seeds from 300.
    func testRandomUpgradeFaultMixes() {
        for seed in seeds(Array(300..<304)) {
            var random = SplitMix64(seed: seed ^ 0x5eed)
            let strategies: [UpgradeStrategy] = [.group(batchSize: 1), .group(batchSize: 2), .atomic]
            let strategy = strategies[Int.random(in: 0..<3, using: &random)]
            var configuration = configuration(seed: seed, nodes: 4, replicas: strategy == .group(batchSize: 1) ? 3 : 2)
            configuration.dropPercent = Int.random(in: 0...10, using: &random)
            configuration.duplicatePercent = 2
            configuration.faultChanceScale = 5
            let cluster = bootstrapped(configuration)
            let mode: RestartMode = Bool.random(using: &random) ? .external : .inPlace
            if mode == .external { cluster.operatorBinaryPath = Self.newBinary }
            cluster.faultsEnabled = true
            start(cluster, request(strategy, mode: mode))
            let steps: [UpgradeStep] = [.release, .restart, .returning, .healthGate]
            let crashAt = (batch: Int.random(in: 1...2, using: &random), step: steps[Int.random(in: 0..<4, using: &random)])
            let restartAt = (batch: Int.random(in: 1...2, using: &random), step: steps[Int.random(in: 0..<4, using: &random)])
            var crashed = false
            var restarted = false
            let status = operate(cluster) {
                guard let status = cluster.upgradeStatus else { return }
                if !crashed, status.batchNumber == crashAt.batch, status.step == crashAt.step, let node = status.currentBatch.first {
                    crashed = true
                    cluster.crash(node)
                }
                if !restarted, status.batchNumber == restartAt.batch, status.step == restartAt.step {
                    restarted = true
                    cluster.crashCoordinator(restartAfterMilliseconds: Int64.random(in: 200...2_500, using: &random))
                }
            }
            assertCompleted(cluster, status.status)
            assertEveryNode(cluster, runs: Self.newVersion)
            finish(
                cluster,
                "upgrade-random-mix (\(strategy), \(mode), drop \(configuration.dropPercent) %, crash at \(crashAt), "
                    + "coordinator restart at \(restartAt), resumes \(status.resumes))")
        }
    }

    /// Runs the upgrade to its end as an operator would: `fault` is called after every step;
    /// each pause is resumed once every member is back (at most 8 times).
    private func operate(_ cluster: SimulatedCluster, fault: () -> Void) -> (status: UpgradeStatus?, resumes: Int) {
        var resumes = 0
        let deadline = cluster.now + Self.upgradeMillisecondsMax * 2
        while cluster.now < deadline {
            cluster.step()
            fault()
            guard let status = cluster.upgradeStatus else { continue }
            if status.outcome != .running { return (status, resumes) }
            guard status.pausedReason != nil else { continue }
            guard resumes < 8 else { return (status, resumes) }
            let back = cluster.nodeIDs.allSatisfy {
                cluster.memberState(of: $0) == .active || cluster.memberState(of: $0) == .draining(released: true)
            }
            if back {
                resumes += 1
                cluster.ctl(.upgradeResume)
            }
        }
        return (cluster.upgradeStatus, resumes)
    }
}
