import NIOCore
import RondoCore
import RondoNode
import RondoPeer
import RondoRing
import XCTest

@testable import RondoNodeRuntime

final class WireMappingTests: XCTestCase {
    func testATableUpdateCarriesItsDirectory() throws {
        let entry = PeerDirectoryEntry(
            memberID: 7, nodeID: NodeID("n7")!, clientHost: "10.0.0.7", clientPort: 11211, peerHost: "10.0.0.7", peerPort: 7101)
        let update = RoutingTableUpdate(epoch: 9, table: ByteBuffer(bytes: [1, 2, 3]), directory: [entry])
        guard case .table(let table)? = NodeMessage(fromCoordinator: .routingTableUpdate(update)) else {
            return XCTFail("a table update must map to .table")
        }
        XCTAssertEqual(table.epoch, 9)
        XCTAssertEqual(table.encodedTable, [1, 2, 3])
        XCTAssertEqual(
            table.directory,
            [NodeMember(memberID: MemberID(7), nodeID: NodeID("n7")!, clientHost: "10.0.0.7", clientPort: 11211, peerHost: "10.0.0.7", peerPort: 7101)])
    }

    func testATransferOrderKeepsItsTarget() {
        let order = TransferOrderMessage(vnode: 3, source: NodeID("a")!, target: NodeID("b")!, targetMemberID: 4, bytesPerSecond: 100, attempt: 2)
        guard case .transferOrder(let mapped)? = NodeMessage(fromCoordinator: .transferOrder(order)) else {
            return XCTFail("a transfer order must map to .transferOrder")
        }
        XCTAssertEqual(
            mapped, NodeTransferOrder(vnode: 3, source: NodeID("a")!, target: NodeID("b")!, targetMemberID: MemberID(4), bytesPerSecond: 100, attempt: 2))
    }

    func testPeerMessagesRoundTrip() throws {
        let hello = NodeMessage.replicaHello(vnode: 5, appliedThrough: 77, epoch: 3)
        let wire = try XCTUnwrap(hello.peerWireMessage as? ReplicaHello)
        guard case .replicaHello(5, 77, 3)? = NodeMessage(fromPeer: .replicaHello(wire)) else { return XCTFail("\(wire)") }
        let counts = try XCTUnwrap(NodeMessage.transferCountsNow(vnode: 1, sequence: 2, bytes: 3).peerWireMessage as? TransferCountsNow)
        guard case .transferCountsNow(1, 2, 3)? = NodeMessage(fromPeer: .transferCountsNow(counts)) else { return XCTFail("\(counts)") }
        // Control-plane messages never go to a peer, and a peer never sends them.
        XCTAssertNil(NodeMessage.epochAcknowledged(1).peerWireMessage)
        XCTAssertNil(NodeMessage(fromPeer: .dropVnode(DropVnode(vnode: 1))))
        XCTAssertNil(NodeMessage(fromCoordinator: .replicaHello(wire)))
    }

    func testCoordinatorMessages() throws {
        XCTAssertNil(NodeMessage.hello(holdsNoData: true, tableEpoch: nil).coordinatorWireMessage(heartbeatSequence: 1, sender: NodeID("me")!))
        let beat = NodeHeartbeat(
            appliedSequences: [2: 9], vnodeBytes: [2: 1_000], memoryLimitBytes: 4_096, memoryUsedBytes: 1_000, clientErrorsPerMillion: 25)
        let heartbeat = try XCTUnwrap(
            NodeMessage.heartbeat(beat).coordinatorWireMessage(heartbeatSequence: 4, sender: NodeID("me")!) as? Heartbeat)
        XCTAssertEqual(
            heartbeat,
            Heartbeat(
                sequence: 4, appliedSequences: [2: 9], vnodeBytes: [2: 1_000], memoryLimitBytes: 4_096, memoryUsedBytes: 1_000,
                clientErrorsPerMillion: 25))
        XCTAssertEqual(try Heartbeat(decoding: heartbeat.frame()), heartbeat)
        // A target reports its own copy: no target field. A source's refusal names the target.
        let own = try XCTUnwrap(
            NodeMessage.transferFailed(vnode: 3, target: NodeID("me")!, reason: "r").coordinatorWireMessage(heartbeatSequence: 0, sender: NodeID("me")!)
                as? TransferFailed)
        XCTAssertEqual(own, TransferFailed(vnode: 3, reason: "r"))
        let refused = try XCTUnwrap(
            NodeMessage.transferFailed(vnode: 3, target: NodeID("x")!, reason: "r").coordinatorWireMessage(heartbeatSequence: 0, sender: NodeID("me")!)
                as? TransferFailed)
        XCTAssertEqual(refused, TransferFailed(vnode: 3, reason: "r", target: NodeID("x")!))
        XCTAssertEqual(try TransferFailed(decoding: refused.frame()), refused)
        XCTAssertNil(try TransferFailed(decoding: own.frame()).target)
    }

    func testANotOwnerReplyRoundTrips() throws {
        let reply = ForwardedReply(requestID: 12, reply: ByteBuffer(), notOwnerEpoch: 8)
        XCTAssertEqual(try ForwardedReply(decoding: reply.frame()), reply)
        let plain = ForwardedReply(requestID: 13, reply: ByteBuffer(string: "STORED\r\n"))
        XCTAssertNil(try ForwardedReply(decoding: plain.frame()).notOwnerEpoch)
    }
}
