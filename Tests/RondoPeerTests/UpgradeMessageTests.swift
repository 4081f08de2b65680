import NIOCore
import RondoCore
import XCTest

@testable import RondoPeer

/// `RestartNode` and the rolling-upgrade ctl commands.
final class UpgradeMessageTests: XCTestCase {
    private typealias T = PeerTestSupport

    private func replacing<Message: PeerMessage>(_ message: Message, tag: UInt16, with value: ByteBuffer?) -> PeerFrame {
        var frame = message.frame()
        frame.fields.removeAll { $0.tag == tag }
        if let value { frame.fields.append(PeerField(tag: tag, value: value)) }
        return frame
    }

    private let order = RestartNode(node: PeerTestSupport.nodeID("n1"), binaryPath: "/opt/rondo-0.2.0", mode: .inPlace, timeoutMilliseconds: 120_000)

    func testRestartNodeRoundTripsAndIsMustUnderstand() throws {
        XCTAssertEqual(try T.roundTrip(order), order)
        let external = RestartNode(node: T.nodeID("n2"), binaryPath: nil, mode: .external, timeoutMilliseconds: 1)
        XCTAssertEqual(try T.roundTrip(external), external)
        let frame = order.frame()
        XCTAssertTrue(frame.flags.contains(.mustUnderstand))
        XCTAssertEqual(try PeerInboundMessage.decode(frame, limits: .default), .restartNode(order))
        XCTAssertEqual(frame.messageType.name, "RestartNode")
    }

    func testRestartNodeRejectsBadFields() {
        guard case .invalidFieldValue(.restartNode, RestartNode.Tag.mode, _)? = T.protocolError({
            _ = try RestartNode(decoding: self.replacing(self.order, tag: RestartNode.Tag.mode, with: ByteBuffer(bytes: [9])))
        }) else { return XCTFail("mode 9") }
        var zero = ByteBuffer()
        zero.writeInteger(UInt64(0))
        guard case .invalidFieldValue(.restartNode, RestartNode.Tag.timeoutMilliseconds, _)? = T.protocolError({
            _ = try RestartNode(decoding: self.replacing(self.order, tag: RestartNode.Tag.timeoutMilliseconds, with: zero))
        }) else { return XCTFail("timeout 0") }
        guard case .invalidFieldValue(.restartNode, RestartNode.Tag.binaryPath, _)? = T.protocolError({
            _ = try RestartNode(decoding: self.replacing(self.order, tag: RestartNode.Tag.binaryPath, with: ByteBuffer()))
        }) else { return XCTFail("empty path") }
        guard case .invalidFieldValue(.restartNode, RestartNode.Tag.binaryPath, "5000 bytes exceed the limit of 4096")? = T.protocolError({
            _ = try RestartNode(
                decoding: self.replacing(
                    self.order, tag: RestartNode.Tag.binaryPath, with: ByteBuffer(string: String(repeating: "a", count: 5000))))
        }) else { return XCTFail("path too long") }
        XCTAssertEqual(
            T.protocolError { _ = try RestartNode(decoding: self.replacing(self.order, tag: RestartNode.Tag.node, with: nil)) },
            .missingField(messageType: .restartNode, tag: RestartNode.Tag.node))
    }

    func testCtlRequestRoundTripsEveryUpgradeCommand() throws {
        let group = CtlUpgradeParameters(
            batchSize: 2, targetVersion: SemanticVersion("0.2.0"), binaryPath: "/opt/rondo", restartMode: .inPlace,
            autoFinalize: true, restartTimeoutMilliseconds: 60_000)
        let atomic = CtlUpgradeParameters(batchSize: nil, targetVersion: nil, binaryPath: "/opt/rondo", restartMode: .external)
        let commands: [CtlRequest.Command] = [
            .upgradePlan(group), .upgradePlan(atomic), .upgradeStart(group), .upgradeStatus, .upgradePause, .upgradeResume,
            .upgradeAbort, .upgradeRollback(binaryPath: nil), .upgradeRollback(binaryPath: "/opt/old"), .upgradeFinalize,
        ]
        for (index, command) in commands.enumerated() {
            let request = CtlRequest(requestID: UInt64(index), command: command)
            XCTAssertEqual(try T.roundTrip(request), request)
        }
    }

    func testUpgradeParametersAreChecked() {
        let start = CtlRequest(
            requestID: 1,
            command: .upgradeStart(CtlUpgradeParameters(batchSize: 1, targetVersion: SemanticVersion("0.2.0"), binaryPath: nil, restartMode: .inPlace)))
        XCTAssertEqual(
            T.protocolError { _ = try CtlRequest(decoding: self.replacing(start, tag: CtlRequest.Tag.targetVersion, with: nil)) },
            .invalidFieldValue(messageType: .ctlRequest, tag: CtlRequest.Tag.targetVersion, reason: "an upgrade needs a target version or a binary path"))
        var zero = ByteBuffer()
        zero.writeInteger(UInt16(0))
        guard case .invalidFieldValue(.ctlRequest, CtlRequest.Tag.batchSize, _)? = T.protocolError({
            _ = try CtlRequest(decoding: self.replacing(start, tag: CtlRequest.Tag.batchSize, with: zero))
        }) else { return XCTFail("batch 0") }
        guard case .invalidFieldValue(.ctlRequest, CtlRequest.Tag.restartMode, _)? = T.protocolError({
            _ = try CtlRequest(decoding: self.replacing(start, tag: CtlRequest.Tag.restartMode, with: ByteBuffer(bytes: [0])))
        }) else { return XCTFail("mode 0") }
        XCTAssertEqual(
            T.protocolError { _ = try CtlRequest(decoding: self.replacing(start, tag: CtlRequest.Tag.restartMode, with: nil)) },
            .missingField(messageType: .ctlRequest, tag: CtlRequest.Tag.restartMode))
    }

    func testHeartbeatCarriesTheLoadFigures() throws {
        let heartbeat = Heartbeat(
            sequence: 3, appliedSequences: [1: 2], vnodeBytes: [1: 4_096, 9: 0], memoryLimitBytes: 1 << 30, memoryUsedBytes: 12,
            clientErrorsPerMillion: 7)
        XCTAssertEqual(try T.roundTrip(heartbeat), heartbeat)
        let plain = try T.roundTrip(Heartbeat(sequence: 1))
        XCTAssertNil(plain.vnodeBytes, "not reported is not zero")
        XCTAssertNil(plain.memoryLimitBytes)
        XCTAssertNil(plain.clientErrorsPerMillion)
        XCTAssertEqual(try T.roundTrip(Heartbeat(sequence: 1, vnodeBytes: [:])).vnodeBytes, [:])
        var limit = ByteBuffer()
        limit.writeInteger(UInt64(10))
        guard case .invalidFieldValue(.heartbeat, Heartbeat.Tag.memoryUsedBytes, _)? = T.protocolError({
            _ = try Heartbeat(decoding: self.replacing(Heartbeat(sequence: 1), tag: Heartbeat.Tag.memoryLimitBytes, with: limit))
        }) else { return XCTFail("a limit without use") }
        guard case .invalidFieldValue(.heartbeat, Heartbeat.Tag.vnodeBytes, _)? = T.protocolError({
            _ = try Heartbeat(decoding: self.replacing(Heartbeat(sequence: 1), tag: Heartbeat.Tag.vnodeBytes, with: ByteBuffer(bytes: [1, 2])))
        }) else { return XCTFail("a partial size record") }
    }
}
