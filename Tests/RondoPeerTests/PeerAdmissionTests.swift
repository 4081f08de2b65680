import RondoCore
import XCTest

@testable import RondoPeer

/// The accepting side whose owner decides admission (`Side.admitting`), as the coordinator does.
final class PeerAdmissionTests: XCTestCase {
    private typealias T = PeerTestSupport

    private func acceptance(startEmpty: Bool = false) -> HelloAccepted {
        HelloAccepted(
            protocolVersion: 1, connectionFeatures: [.replicationV1], acceptorNodeID: T.nodeID("coordinator"),
            acceptorSoftwareVersion: T.version("0.1.0"), clusterActiveVersion: ActiveVersion(protocolVersion: 1, features: []),
            clusterFinalizedVersion: nil, startEmpty: startEmpty)
    }

    func testHelloWaitsForTheOwnersAcceptance() throws {
        var machine = PeerHandshakeStateMachine(side: .admitting)
        XCTAssertEqual(machine.frameReceived(T.hello().frame()), .awaitAdmission(T.hello()))
        XCTAssertNil(machine.session)
        guard case .establish(let session, let reply?) = machine.admissionDecided(.accept(acceptance(startEmpty: true))) else {
            return XCTFail("acceptance must establish")
        }
        XCTAssertEqual(session.peerHello, T.hello())
        XCTAssertTrue(try HelloAccepted(decoding: reply).startEmpty)
        XCTAssertEqual(machine.admissionDecided(.accept(acceptance())), .none, "a second answer is ignored")
    }

    func testRefusalClosesWithHelloRefused() throws {
        var machine = PeerHandshakeStateMachine(side: .admitting)
        _ = machine.frameReceived(T.hello().frame())
        let refusal = HandshakeRefusal.duplicateNodeID(T.nodeID("node-2"))
        guard case .close(.refusedPeer(refusal), let reply?) = machine.admissionDecided(.refuse(refusal)) else {
            return XCTFail("refusal must close")
        }
        XCTAssertEqual(try HelloRefused(decoding: reply).code, .duplicateNodeID)
    }

    func testAFrameWhileAwaitingAdmissionIsAViolationAndTimeoutStillApplies() {
        var machine = PeerHandshakeStateMachine(side: .admitting)
        _ = machine.frameReceived(T.hello().frame())
        guard case .close(.protocolError(.messageBeforeHandshake(.heartbeat)), _) = machine.frameReceived(Heartbeat(sequence: 1).frame()) else {
            return XCTFail("a frame before the answer is a violation")
        }
        var waiting = PeerHandshakeStateMachine(side: .admitting)
        _ = waiting.frameReceived(T.hello().frame())
        guard case .close(.handshakeTimeout, _) = waiting.handshakeTimedOut() else { return XCTFail("the timeout covers the owner's decision") }
        XCTAssertEqual(waiting.admissionDecided(.accept(acceptance())), .none, "an answer after the timeout is ignored")
    }
}
