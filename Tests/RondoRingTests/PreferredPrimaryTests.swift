import RondoCore
import XCTest

@testable import RondoRing

/// `leaving(_:preferredPrimaries:)`: after a failure the coordinator asks for the most current
/// replica as each orphaned vnode's new primary; placement honours it within primary balance.
final class PreferredPrimaryTests: XCTestCase {
    func testPreferredHoldersBecomePrimaryAndTablesStayValid() throws {
        for (members, replicas) in [(5, 3), (4, 2), (8, 3), (3, 3)] {
            var random = SplitMix64(seed: UInt64(members * 10 + replicas))
            let table = try RoutingTable.initial(
                vnodeCount: try VnodeCount(256), replicaCount: replicas, nodes: descriptors(members))
            let leaver = MemberID(1)
            var preferred: [Int: MemberID] = [:]
            for vnode in table.vnodes(primaryOn: leaver) {
                preferred[vnode] = table.replicas(of: vnode).dropFirst().randomElement(using: &random)
            }
            let plain = try table.leaving(leaver)
            let next = try table.leaving(leaver, preferredPrimaries: preferred)
            XCTAssertNoThrow(try next.validate(after: table))
            XCTAssertEqual(try table.leaving(leaver, preferredPrimaries: [:]), plain, "no preference, same table")
            let honoured = preferred.filter { next.primary(of: $0.key) == $0.value }.count
            let honouredPlain = preferred.filter { plain.primary(of: $0.key) == $0.value }.count
            XCTAssertGreaterThanOrEqual(honoured, honouredPlain, "\(members) members, \(replicas) replicas")
            // With every member holding every vnode, balance alone decides: no floor to expect.
            if members > replicas {
                XCTAssertGreaterThanOrEqual(honoured * 10, preferred.count * 9, "\(members) members, \(replicas) replicas: \(honoured) of \(preferred.count)")
            }
            // Every new primary of an orphaned vnode held a copy before.
            for vnode in preferred.keys {
                XCTAssertTrue(table.replicas(of: vnode).contains(next.primary(of: vnode)))
            }
        }
    }
}
