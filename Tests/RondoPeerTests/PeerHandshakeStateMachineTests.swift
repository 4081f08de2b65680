import NIOCore
import RondoCore
import XCTest

@testable import RondoPeer

final class PeerHandshakeStateMachineTests: XCTestCase {
    private typealias T = PeerTestSupport

    private func acceptance(version: UInt16 = 1, features: Set<FeatureName> = [.replicationV1]) -> HelloAccepted {
        HelloAccepted(
            protocolVersion: version, connectionFeatures: features, acceptorNodeID: T.nodeID("node-1"),
            acceptorSoftwareVersion: T.version("0.1.0"),
            clusterActiveVersion: ActiveVersion(protocolVersion: 1, features: features), clusterFinalizedVersion: nil)
    }

    private func closeReason(_ action: PeerHandshakeStateMachine.Action, file: StaticString = #filePath, line: UInt = #line) -> PeerCloseReason? {
        guard case .close(let reason, _) = action else {
            XCTFail("expected close, got \(action)", file: file, line: line)
            return nil
        }
        return reason
    }

    private func establishedConnector() -> PeerHandshakeStateMachine {
        var machine = PeerHandshakeStateMachine(side: .connecting(T.hello()))
        _ = machine.channelActive()
        _ = machine.frameReceived(acceptance().frame())
        XCTAssertNotNil(machine.session)
        return machine
    }

    func testConnectingSideSendsHelloOnceAndEstablishesOnAcceptance() {
        var machine = PeerHandshakeStateMachine(side: .connecting(T.hello()))
        XCTAssertEqual(machine.channelActive(), .send(T.hello().frame()))
        XCTAssertEqual(machine.channelActive(), .none)
        let accepted = acceptance()
        let expected = PeerSession(
            protocolVersion: 1, features: [.replicationV1], peerNodeID: T.nodeID("node-1"),
            peerSoftwareVersion: T.version("0.1.0"), acceptance: accepted)
        XCTAssertEqual(machine.frameReceived(accepted.frame()), .establish(expected, reply: nil))
        XCTAssertEqual(machine.session, expected)
        XCTAssertEqual(machine.handshakeTimedOut(), .none, "a late timer after establishing does nothing")
    }

    func testAcceptingSideAnswersHelloAndEstablishes() throws {
        var machine = PeerHandshakeStateMachine(side: .accepting(T.policy()))
        XCTAssertEqual(machine.channelActive(), .none)
        guard case .establish(let session, let reply?) = machine.frameReceived(T.hello().frame()) else { return XCTFail() }
        XCTAssertEqual(session.peerNodeID, T.nodeID("node-2"))
        XCTAssertEqual(session.peerHello, T.hello())
        XCTAssertEqual(try HelloAccepted(decoding: reply).protocolVersion, 1)
    }

    func testAcceptingSideRefusesAndThenIgnoresEverything() throws {
        var machine = PeerHandshakeStateMachine(side: .accepting(T.policy()))
        guard case .close(.refusedPeer(let refusal), let reply?) = machine.frameReceived(T.hello(cluster: "x").frame()) else { return XCTFail() }
        XCTAssertEqual(refusal, .wrongCluster(expected: T.clusterName, got: "x"))
        XCTAssertEqual(try HelloRefused(decoding: reply).code, .wrongCluster)
        XCTAssertTrue(machine.isClosedOrRefused)
        XCTAssertEqual(machine.frameReceived(T.hello().frame()), .none)
    }

    func testMalformedHelloIsRefusedAsMalformed() throws {
        var frame = T.hello().frame()
        frame.fields.removeAll { $0.tag == Hello.Tag.nodeID }
        var machine = PeerHandshakeStateMachine(side: .accepting(T.policy()))
        guard case .close(.refusedPeer(.malformed(let detail)), let reply?) = machine.frameReceived(frame) else { return XCTFail() }
        XCTAssertTrue(detail.contains("field 2 is missing"), detail)
        XCTAssertEqual(try HelloRefused(decoding: reply).code, .malformed)
    }

    func testMessageBeforeHandshakeIsAProtocolErrorOnBothSides() throws {
        var acceptor = PeerHandshakeStateMachine(side: .accepting(T.policy()))
        let action = acceptor.frameReceived(Heartbeat(sequence: 1).frame())
        XCTAssertEqual(closeReason(action), .protocolError(.messageBeforeHandshake(.heartbeat)))
        guard case .close(_, let report?) = action else { return XCTFail() }
        XCTAssertEqual(try ErrorFrame(decoding: report).code, .protocolViolation)

        var connector = PeerHandshakeStateMachine(side: .connecting(T.hello()))
        _ = connector.channelActive()
        XCTAssertEqual(closeReason(connector.frameReceived(Heartbeat(sequence: 1).frame())), .protocolError(.messageBeforeHandshake(.heartbeat)))
    }

    func testErrorFrameBeforeHandshakeClosesWithoutAnswer() {
        let report = ErrorFrame(code: .protocolViolation, text: "handshake timed out")
        var acceptor = PeerHandshakeStateMachine(side: .accepting(T.policy()))
        XCTAssertEqual(acceptor.frameReceived(report.frame()), .close(.closedByPeer(code: .protocolViolation, text: "handshake timed out"), finalFrame: nil))
        var connector = PeerHandshakeStateMachine(side: .connecting(T.hello()))
        _ = connector.channelActive()
        XCTAssertEqual(connector.frameReceived(report.frame()), .close(.closedByPeer(code: .protocolViolation, text: "handshake timed out"), finalFrame: nil))
    }

    func testRefusalIsReportedToTheConnectingSide() {
        var machine = PeerHandshakeStateMachine(side: .connecting(T.hello()))
        _ = machine.channelActive()
        let refusal = HandshakeRefusal.duplicateNodeID(T.nodeID("node-2"))
        XCTAssertEqual(
            machine.frameReceived(HelloRefused(refusal).frame()),
            .close(.refusedByPeer(code: .duplicateNodeID, text: refusal.description), finalFrame: nil))
        XCTAssertTrue(machine.isClosedOrRefused)
    }

    func testInconsistentAcceptanceIsAProtocolError() {
        var machine = PeerHandshakeStateMachine(side: .connecting(T.hello()))
        _ = machine.channelActive()
        guard case .protocolError(.inconsistentAcceptance)? = closeReason(machine.frameReceived(acceptance(version: 2).frame())) else {
            return XCTFail("a version we did not offer")
        }
        machine = PeerHandshakeStateMachine(side: .connecting(T.hello()))
        _ = machine.channelActive()
        guard case .protocolError(.inconsistentAcceptance)? =
            closeReason(machine.frameReceived(acceptance(features: [.replicationLZ4Batches]).frame()))
        else { return XCTFail("a feature we did not offer") }
    }

    func testHandshakeTimeoutClosesAnUnfinishedHandshake() {
        var acceptor = PeerHandshakeStateMachine(side: .accepting(T.policy()))
        XCTAssertEqual(closeReason(acceptor.handshakeTimedOut()), .handshakeTimeout)
        XCTAssertEqual(acceptor.handshakeTimedOut(), .none)
        var connector = PeerHandshakeStateMachine(side: .connecting(T.hello()))
        _ = connector.channelActive()
        XCTAssertEqual(closeReason(connector.handshakeTimedOut()), .handshakeTimeout)
    }

    func testEstablishedConnectionDeliversKnownMessages() {
        var machine = establishedConnector()
        XCTAssertEqual(machine.frameReceived(Heartbeat(sequence: 5).frame()), .deliver(.heartbeat(Heartbeat(sequence: 5))))
        let ack = ReplicationAck(vnode: 1, acknowledgedSequence: 2)
        XCTAssertEqual(machine.frameReceived(ack.frame()), .deliver(.replicationAck(ack)))
        let unsupported = ErrorFrame(code: .unsupportedMessage, text: "no", offendingMessageType: .init(rawValue: 0x99))
        XCTAssertEqual(machine.frameReceived(unsupported.frame()), .deliver(.error(unsupported)), "the connection stays up")
    }

    func testUnknownMessageTypesFollowTheMustUnderstandFlag() throws {
        var machine = establishedConnector()
        let later = PeerMessageType(rawValue: 0x00F0)
        XCTAssertEqual(machine.frameReceived(PeerFrame(messageType: later)), .none)
        guard case .send(let reply) = machine.frameReceived(PeerFrame(messageType: later, flags: .mustUnderstand)) else { return XCTFail() }
        let error = try ErrorFrame(decoding: reply)
        XCTAssertEqual(error.code, .unsupportedMessage)
        XCTAssertEqual(error.offendingMessageType, later)
        XCTAssertNotNil(machine.session, "still established")
    }

    func testHandshakeMessageAfterHandshakeIsAProtocolError() {
        var machine = establishedConnector()
        XCTAssertEqual(closeReason(machine.frameReceived(T.hello().frame())), .protocolError(.unexpectedHandshakeMessage(.hello)))
        XCTAssertNil(machine.session)
    }

    func testMalformedKnownMessageClosesWithAReport() {
        var machine = establishedConnector()
        let frame = PeerFrame(messageType: .heartbeat)
        XCTAssertEqual(closeReason(machine.frameReceived(frame)), .protocolError(.missingField(messageType: .heartbeat, tag: 1)))
    }

    func testPeerProtocolViolationReportClosesWithoutAnswer() {
        var machine = establishedConnector()
        let report = ErrorFrame(code: .protocolViolation, text: "bad")
        XCTAssertEqual(machine.frameReceived(report.frame()), .close(.closedByPeer(code: .protocolViolation, text: "bad"), finalFrame: nil))
    }

    func testDecoderErrorClosesOnceWithAReport() {
        var machine = establishedConnector()
        let error = PeerProtocolError.frameTooLarge(frameBytes: 100, limitBytes: 10)
        XCTAssertEqual(closeReason(machine.protocolErrorCaught(error)), .protocolError(error))
        XCTAssertEqual(machine.protocolErrorCaught(error), .none)
    }
}
