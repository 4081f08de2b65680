import NIOCore
import RondoCore
import RondoGateway
import RondoNode
import RondoRing
import XCTest

@testable import RondoNodeRuntime

final class RoutingSnapshotTests: XCTestCase {
    private let vnodeCount = try! VnodeCount(16)
    private lazy var table = try! RoutingTable.initial(
        vnodeCount: vnodeCount, replicaCount: 2, nodes: (1...3).map { NodeDescriptor(id: MemberID($0)) })
    private let members: [MemberID: NodeMember] = {
        var members: [MemberID: NodeMember] = [:]
        for index in 1...3 {
            let id = MemberID(UInt32(index))
            members[id] = NodeMember(
                memberID: id, nodeID: NodeID("n\(index)")!, clientHost: "127.0.0.1", clientPort: UInt16(11210 + index),
                peerHost: "127.0.0.1", peerPort: UInt16(7100 + index))
        }
        return members
    }()

    /// A key whose vnode's replicas are (primary, secondary) = the given members.
    private func key(primary: MemberID, secondary: MemberID) -> ByteBuffer {
        let router = RoutingSnapshot(table: table, localMember: primary, members: members, unreachable: []).router!
        for index in 0..<10_000 {
            let key = ByteBuffer(string: "key-\(index)")
            if table.replicas(of: router.vnode(of: key)) == [primary, secondary] { return key }
        }
        XCTFail("no key with replicas \(primary), \(secondary)")
        return ByteBuffer()
    }

    func testBeforeAnyTableEveryKeyIsUnavailable() {
        let snapshot = RoutingSnapshot.empty
        XCTAssertEqual(snapshot.route(key: ByteBuffer(string: "k"), isWrite: false), .unavailable(reason: "no routing table yet"))
        XCTAssertNil(snapshot.routingTableReply)
        XCTAssertEqual(snapshot.epoch, 0)
    }

    func testThePrimaryServesLocallyAndOthersForwardToIt() {
        let (m1, m2, m3) = (MemberID(1), MemberID(2), MemberID(3))
        let key = key(primary: m1, secondary: m2)
        let atPrimary = RoutingSnapshot(table: table, localMember: m1, members: members, unreachable: [])
        XCTAssertEqual(atPrimary.route(key: key, isWrite: true), .local)
        XCTAssertEqual(atPrimary.route(key: key, isWrite: false), .local)
        let atOther = RoutingSnapshot(table: table, localMember: m3, members: members, unreachable: [])
        XCTAssertEqual(atOther.route(key: key, isWrite: true), .remote(GatewayDestination(memberID: "1")))
        XCTAssertEqual(atOther.route(key: key, isWrite: false), .remote(GatewayDestination(memberID: "1")))
        // A secondary forwards reads to the primary too while it is reachable.
        let atSecondary = RoutingSnapshot(table: table, localMember: m2, members: members, unreachable: [])
        XCTAssertEqual(atSecondary.route(key: key, isWrite: false), .remote(GatewayDestination(memberID: "1")))
    }

    func testAnUnreachablePrimaryMovesReadsToTheNextReplicaAndRefusesWrites() {
        let (m1, m2, m3) = (MemberID(1), MemberID(2), MemberID(3))
        let key = key(primary: m1, secondary: m2)
        let atOther = RoutingSnapshot(table: table, localMember: m3, members: members, unreachable: [m1])
        XCTAssertEqual(atOther.route(key: key, isWrite: false), .remote(GatewayDestination(memberID: "2")))
        guard case .unavailable = atOther.route(key: key, isWrite: true) else {
            return XCTFail("a write to an unreachable primary must be unavailable")
        }
        let atSecondary = RoutingSnapshot(table: table, localMember: m2, members: members, unreachable: [m1])
        XCTAssertEqual(atSecondary.route(key: key, isWrite: false), .local)
        // This node itself never counts as unreachable.
        let atPrimary = RoutingSnapshot(table: table, localMember: m1, members: members, unreachable: [m1])
        XCTAssertEqual(atPrimary.route(key: key, isWrite: true), .local)
    }

    func testANodeNotNamedYetForwardsEverything() {
        let snapshot = RoutingSnapshot(table: table, localMember: nil, members: members, unreachable: [])
        for index in 0..<50 {
            guard case .remote = snapshot.route(key: ByteBuffer(string: "k\(index)"), isWrite: index % 2 == 0) else {
                return XCTFail("key \(index) was not forwarded")
            }
        }
    }

    func testTheRoutingReplyListsEveryMemberAndVnode() {
        let snapshot = RoutingSnapshot(table: table, localMember: MemberID(1), members: members, unreachable: [])
        let text = String(buffer: snapshot.routingTableReply!)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.first, "ROUTING \(table.epoch) 16 \(RoutingTableReply.hashName) 2")
        XCTAssertTrue(lines.contains("NODE 1 127.0.0.1:11211"))
        XCTAssertTrue(lines.contains("NODE 3 127.0.0.1:11213"))
        let vnodeLines = lines.filter { $0.hasPrefix("VNODE ") }
        XCTAssertEqual(vnodeLines.count, 16)
        let replicas = table.replicas(of: 5).map { String($0.value) }.joined(separator: ",")
        XCTAssertTrue(vnodeLines.contains("VNODE 5 \(replicas)"[...]))
        XCTAssertTrue(text.hasSuffix("END\r\n"))
    }

    func testDestinationsRoundTripMemberNumbers() {
        XCTAssertEqual(RoutingSnapshot.member(of: RoutingSnapshot.destination(of: MemberID(42))), MemberID(42))
        XCTAssertNil(RoutingSnapshot.member(of: GatewayDestination(memberID: "m1")))
    }
}
