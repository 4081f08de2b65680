import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

final class UpgradePlannerTests: XCTestCase {
    private typealias H = CoordinatorHarness

    private func plan(_ cluster: CoordinatorHarness, _ request: UpgradeRequest) throws -> UpgradePlan {
        try UpgradePlanner.plan(state: cluster.state, request: request)
    }

    private func refusal(_ cluster: CoordinatorHarness, _ request: UpgradeRequest) -> UpgradePlanError? {
        do {
            _ = try UpgradePlanner.plan(state: cluster.state, request: request)
            return nil
        } catch {
            return error
        }
    }

    /// Every member reports `bytes` per vnode it holds; `memory` when given.
    private func reportSizes(_ cluster: inout CoordinatorHarness, bytes: UInt64, memory: NodeMemoryReport? = nil) {
        for id in cluster.running.sorted() {
            let member = cluster.state.members[id]!.memberID!
            let sizes = Dictionary(uniqueKeysWithValues: cluster.table.vnodes(ownedBy: member).map { ($0, bytes) })
            cluster.apply(
                cluster.coordinator.heartbeat(
                    id, nowMilliseconds: cluster.nowMilliseconds, appliedSequences: [:], vnodeBytes: sizes, memory: memory))
        }
    }

    func testGroupOfOneReleasesEachNodeInTurnAndKeepsFullRedundancy() throws {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(3)
        let plan = try plan(cluster, H.request(strategy: .group(batchSize: 1)))
        XCTAssertEqual(plan.batches.map(\.nodes), [[node("n1")], [node("n2")], [node("n3")]])
        XCTAssertEqual(plan.lowestReplicaCount, 2, "copies are made before the switch: never below the replica count")
        for batch in plan.batches {
            let id = cluster.record(batch.nodes[0].rawValue).memberID!
            XCTAssertEqual(Set(batch.departures.map(\.vnode)), Set(cluster.table.vnodes(ownedBy: id)), "everything it holds leaves")
            for departure in batch.departures {
                XCTAssertEqual(departure.from, batch.nodes)
                XCTAssertFalse(departure.to.isEmpty)
                XCTAssertFalse(departure.to.contains(batch.nodes[0]))
            }
            XCTAssertEqual(batch.remainingActiveNodes, 2)
        }
        XCTAssertNil(plan.totalBytes, "no node reported sizes: unknown, not 0")
        XCTAssertGreaterThan(plan.unknownSizeCopies, 0)
        XCTAssertNil(plan.memoryFits)
        XCTAssertTrue(plan.description.contains("bytes: unknown"), plan.description)
        XCTAssertTrue(plan.description.contains("lowest replica count: 2 of 2"), plan.description)
        XCTAssertTrue(plan.json.description.contains("\"totalBytes\":null"))
    }

    func testGroupOfTwoBatchesTwoNodes() throws {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(5)
        let plan = try plan(cluster, H.request(strategy: .group(batchSize: 2)))
        XCTAssertEqual(plan.batches.map(\.nodes), [[node("n1"), node("n2")], [node("n3"), node("n4")], [node("n5")]])
        XCTAssertEqual(plan.lowestReplicaCount, 2)
        XCTAssertEqual(plan.batches[0].remainingActiveNodes, 3)
    }

    func testKnownSizesGiveBytesToMove() throws {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(3)
        reportSizes(&cluster, bytes: 1_000)
        let plan = try plan(cluster, H.request())
        for batch in plan.batches {
            XCTAssertEqual(batch.releaseBytes, UInt64(batch.copyCount) * 1_000)
            XCTAssertEqual(batch.unknownSizeCopies, 0)
        }
        XCTAssertEqual(plan.totalBytes, plan.batches.reduce(0) { $0 + 2 * $1.releaseBytes! })
        XCTAssertEqual(plan.unknownSizeCopies, 0)
        XCTAssertNil(plan.memoryFits, "memory not reported: unknown")
    }

    func testAtomicTakesHalfThenTheOtherHalf() throws {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(4)
        let plan = try plan(cluster, H.request(strategy: .atomic))
        XCTAssertEqual(plan.batches.map(\.nodes), [[node("n1"), node("n2")], [node("n3"), node("n4")]])
        XCTAssertEqual(plan.lowestReplicaCount, 2)
    }

    func testAtomicIsRefusedWhenHalfCannotHoldEveryVnode() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(3)
        guard case .notEnoughNodes(let batch, let remaining, let replicas, true)? = refusal(cluster, H.request(strategy: .atomic)) else {
            return XCTFail("atomic on 3 nodes with 2 replicas must be refused")
        }
        XCTAssertEqual(batch, [node("n2"), node("n3")])
        XCTAssertEqual(remaining, 1)
        XCTAssertEqual(replicas, 2)
    }

    func testBatchTooLargeForTheReplicaCountIsRefused() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(3)
        let error = refusal(cluster, H.request(strategy: .group(batchSize: 2)))
        guard case .notEnoughNodes(_, 1, 2, false)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(error!.description.contains("smaller batch"), error!.description)
    }

    func testMemoryShortfallIsRefused() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(3)
        reportSizes(&cluster, bytes: 1_000, memory: NodeMemoryReport(limitBytes: 50_000, usedBytes: 45_000))
        guard case .insufficientMemory(_, _, let incoming, 5_000)? = refusal(cluster, H.request()) else {
            return XCTFail("a receiver with 5000 bytes free cannot take the copies")
        }
        XCTAssertGreaterThan(incoming, 5_000)
        reportSizes(&cluster, bytes: 1_000, memory: NodeMemoryReport(limitBytes: 1 << 30, usedBytes: 0))
        XCTAssertEqual(try plan(cluster, H.request()).memoryFits, true)
    }

    func testRefusesWithoutTargetAndWhenNothingToDo() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(3)
        XCTAssertEqual(refusal(cluster, H.request(to: nil)), .noTarget)
        XCTAssertEqual(refusal(cluster, H.request(to: "0.1.0")), .nothingToUpgrade(SemanticVersion("0.1.0")!))
        XCTAssertEqual(refusal(cluster, H.request(strategy: .group(batchSize: 0))), .invalidBatchSize(0))
        XCTAssertNotNil(try? plan(cluster, H.request(to: nil, binary: "/opt/rondo")), "a binary alone is a target")
    }

    func testRefusesWhileMembershipChanges() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(2)
        cluster.join("n3")
        XCTAssertEqual(refusal(cluster, H.request()), .membershipChangePending)
        cluster.settle()
        XCTAssertNil(refusal(cluster, H.request()))
    }

    func testPlanCommandAnswersWithoutMovingAnything() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.formCluster(3)
        let epoch = cluster.state.epoch
        guard case .upgradePlan(let plan) = cluster.ctl(.upgradePlan(H.request())) else { return XCTFail("no plan") }
        XCTAssertEqual(plan.nodeCount, 3)
        XCTAssertEqual(cluster.state.epoch, epoch)
        XCTAssertNil(cluster.upgrade)
        XCTAssertTrue(cluster.state.copies.isEmpty)
        guard case .refused(.upgradePlan(.notEnoughNodes)) = cluster.ctl(.upgradePlan(H.request(strategy: .atomic))) else {
            return XCTFail("atomic refused through ctl")
        }
    }
}
