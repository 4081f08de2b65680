import RondoCore
import XCTest

@testable import RondoRing

/// Random sequences of joins, leaves, drains and activations. Every step must produce a valid
/// table whose epoch grew and that moved no more than the change requires. Failures print the
/// seed: set it in `seeds` to replay.
final class RandomizedMembershipTests: XCTestCase {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 0xdead_beef, 20_261_121]
    static let stepsPerSeed = 40

    func testRandomSequences() throws {
        for seed in Self.seeds {
            var random = SplitMix64(seed: seed)
            let replicaCount = Int.random(in: 1...5, using: &random)
            let vnodeCount = try VnodeCount([64, 256, 1024].randomElement(using: &random)!)
            let zones = Int.random(in: 0...3, using: &random)
            var table = try RoutingTable.initial(
                vnodeCount: vnodeCount, replicaCount: replicaCount,
                nodes: descriptors(Int.random(in: 1...30, using: &random), zones: zones))
            var nextID: UInt32 = 100
            for step in 0..<Self.stepsPerSeed {
                let context = "seed \(seed) step \(step)"
                table = try randomStep(table, &random, &nextID, zones: zones, context: context)
            }
        }
    }

    private func randomStep(
        _ table: RoutingTable, _ random: inout SplitMix64, _ nextID: inout UInt32, zones: Int,
        context: String
    ) throws -> RoutingTable {
        let active = table.activeMembers.map(\.id)
        let draining = table.members.filter { $0.state == .draining }.map(\.id)
        let next: RoutingTable
        let moved: Int
        switch Int.random(in: 0..<4, using: &random) {
        case 0 where table.members.count < 40:
            let zone = zones > 0 ? "zone\(nextID % UInt32(zones))" : nil
            next = try table.joining(NodeDescriptor(id: MemberID(nextID), zone: zone, host: nil))
            moved = next.vnodes(ownedBy: MemberID(nextID)).count
            nextID += 1
        case 1 where active.count > 1:
            let leaver = active.randomElement(using: &random)!
            next = try table.leaving(leaver)
            moved = table.vnodes(ownedBy: leaver).count
        case 2 where active.count > 1:
            let drainer = active.randomElement(using: &random)!
            next = try table.draining(drainer)
            moved = table.vnodes(ownedBy: drainer).count
        default:
            guard let returning = draining.randomElement(using: &random) else { return table }
            next = try table.activating(returning)
            moved = next.vnodes(ownedBy: returning).count
        }
        do {
            try next.validate(after: table)
        } catch {
            XCTFail("\(context): \(error)")
        }
        let transfers = transferCount(from: table, to: next)
        let roomy = min(table.activeMembers.count, next.activeMembers.count) >= 2 * table.replicaCount
        if next.placedReplicaCount == table.placedReplicaCount && roomy {
            XCTAssertEqual(transfers, moved, "\(context): transfers")
        } else {
            // Tight clusters (fewer than twice the replica count of active members) or a change of
            // the placed replica count: the change's own share is no longer always reachable
            // without re-seating a few replicas (docs/ring.md, "Movement"). Bound the excess.
            if next.placedReplicaCount == table.placedReplicaCount {
                XCTAssertGreaterThanOrEqual(transfers, moved, "\(context): transfers")
            }
            XCTAssertLessThanOrEqual(transfers, moved + table.vnodeCount.value, "\(context): transfers")
        }
        return next
    }
}
