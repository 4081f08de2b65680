import Foundation
import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

/// Seeded interleavings of joins, releases, leaves, failures, returns, coordinator restarts,
/// transfer completions and failures, with the state invariants and the action contract checked
/// after every step. A failure names its seed; set `RONDO_COORDINATOR_SEED` to replay one, or
/// `RONDO_COORDINATOR_SWEEP=n` to run seeds 1...n.
final class RandomizedCoordinatorTests: XCTestCase {
    func testRandomizedMembershipAndFailures() {
        let environment = ProcessInfo.processInfo.environment
        var seeds: [UInt64] = Array(1...8) + [UInt64.random(in: 0...UInt64.max)]
        if let replay = environment["RONDO_COORDINATOR_SEED"].flatMap(UInt64.init) { seeds = [replay] }
        if let sweep = environment["RONDO_COORDINATOR_SWEEP"].flatMap(UInt64.init) { seeds = Array(1...sweep) }
        for seed in seeds { run(seed: seed, steps: 150) }
    }

    private func run(seed: UInt64, steps: Int) {
        var random = SplitMix64(seed: seed)
        let replicas = Int(seed % 3) + 1
        var cluster = CoordinatorHarness(
            vnodes: 32, replicas: replicas,
            limits: TransferLimits(concurrencyPerNode: 2, bytesPerSecond: 1 << 20, inFlightMax: 6), checksInvariants: false)
        var nextNode = 1
        func check(_ step: Int, _ what: String) {
            do { try cluster.state.checkInvariants() } catch {
                XCTFail("seed \(seed) step \(step) after \(what): \(error)")
            }
        }
        cluster.join("n\(nextNode)")
        nextNode += 1
        for step in 0..<steps {
            let live = cluster.state.members.values.filter { $0.state == .active }.map(\.nodeID).sorted()
            let runningActive = live.filter { cluster.running.contains($0) }
            var what = ""
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<12 where cluster.state.members.count < 9:
                what = "join n\(nextNode)"
                cluster.join("n\(nextNode)")
                nextNode += 1
            case 12..<18 where runningActive.count >= 2:
                let victim = runningActive.randomElement(using: &random)!
                what = "release \(victim)"
                cluster.ctl(.release(victim))
            case 18..<23:
                let leavers = cluster.state.members.values.filter {
                    $0.state == .down || $0.state == .draining(released: true)
                }.map(\.nodeID).sorted()
                guard let leaver = leavers.randomElement(using: &random) else { continue }
                what = "leave \(leaver)"
                cluster.ctl(.leave(leaver))
            case 23..<30 where runningActive.count >= 2:
                let victim = runningActive.randomElement(using: &random)!
                what = "crash \(victim)"
                cluster.crash(victim.rawValue, closingConnection: Bool.random(using: &random))
            case 30..<36:
                let stopped = cluster.state.members.values.filter {
                    $0.state != .left && !cluster.running.contains($0.nodeID)
                }.map(\.nodeID).sorted()
                guard let back = stopped.randomElement(using: &random) else { continue }
                what = "return \(back)"
                _ = cluster.connect(back.rawValue)
            case 36..<40:
                what = "restart coordinator"
                cluster.restartCoordinator()
            case 40..<45 where !cluster.transfers.isEmpty:
                let order = cluster.transfers.remove(at: Int.random(in: 0..<cluster.transfers.count, using: &random))
                what = "fail transfer \(order.vnode) → \(order.target)"
                cluster.apply(cluster.coordinator.transferFailed(vnode: order.vnode, target: order.target, reason: "test", nowMilliseconds: cluster.nowMilliseconds))
            case 45..<70:
                what = "complete transfers"
                cluster.completeTransfers(limit: Int.random(in: 1...6, using: &random))
            case 70..<85:
                what = "acknowledge"
                cluster.acknowledgeAll()
            default:
                let delay = Int64.random(in: 100...4_000, using: &random)
                what = "advance \(delay) ms"
                cluster.advance(milliseconds: delay)
            }
            check(step, what)
            if let table = cluster.state.table {
                for member in table.members {
                    let record = cluster.state.record(of: member.id)!
                    XCTAssertNotEqual(record.state, .down, "seed \(seed) step \(step): table lists a down node")
                }
            }
        }
        // Bring everything back and let it converge.
        for record in cluster.state.members.values.sorted(by: { $0.nodeID < $1.nodeID })
        where record.state != .left && !cluster.running.contains(record.nodeID) {
            _ = cluster.connect(record.nodeID.rawValue)
        }
        cluster.settle(rounds: 600)
        check(steps, "settle")
        XCTAssertNil(cluster.state.target, "seed \(seed)")
        XCTAssertEqual(cluster.state.underReplicatedVnodeCount, 0, "seed \(seed)")
        XCTAssertTrue(cluster.state.pendingDrops.isEmpty, "seed \(seed)")
    }
}
