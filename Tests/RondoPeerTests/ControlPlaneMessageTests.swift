import NIOCore
import RondoCore
import XCTest

@testable import RondoPeer

/// The coordinator, transfer-control and ctl messages, and the fields added to Hello,
/// HelloAccepted, Heartbeat and RoutingTableUpdate for them.
final class ControlPlaneMessageTests: XCTestCase {
    private typealias T = PeerTestSupport

    /// `frame` with `tag` replaced by `value` (or removed when nil).
    private func replacing<Message: PeerMessage>(_ message: Message, tag: UInt16, with value: ByteBuffer?) -> PeerFrame {
        var frame = message.frame()
        frame.fields.removeAll { $0.tag == tag }
        if let value { frame.fields.append(PeerField(tag: tag, value: value)) }
        return frame
    }

    private func u32(_ value: UInt32) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        return buffer
    }

    private func u64(_ value: UInt64) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        return buffer
    }

    // MARK: - Extended handshake and envelope fields

    func testHelloCarriesHoldsNoDataAndTableEpoch() throws {
        var hello = T.hello()
        hello.holdsNoData = true
        hello.tableEpoch = 77
        XCTAssertEqual(try T.roundTrip(hello), hello)
        let plain = T.hello()
        let decoded = try T.roundTrip(plain)
        XCTAssertFalse(decoded.holdsNoData)
        XCTAssertNil(decoded.tableEpoch)
        XCTAssertFalse(plain.frame().fields.contains { $0.tag == Hello.Tag.holdsNoData }, "false is sent as absent")
    }

    func testHelloRejectsABadHoldsNoDataOrEpochWidth() {
        let badFlag = replacing(T.hello(), tag: Hello.Tag.holdsNoData, with: ByteBuffer(bytes: [2]))
        XCTAssertEqual(
            T.protocolError { _ = try Hello(decoding: badFlag) },
            .invalidFieldValue(messageType: .hello, tag: Hello.Tag.holdsNoData, reason: "boolean must be 0 or 1, got 2"))
        let badEpoch = replacing(T.hello(), tag: Hello.Tag.tableEpoch, with: u32(1))
        XCTAssertEqual(
            T.protocolError { _ = try Hello(decoding: badEpoch) },
            .invalidFieldLength(messageType: .hello, tag: Hello.Tag.tableEpoch, expectedBytes: 8, actualBytes: 4))
    }

    func testHelloAcceptedCarriesStartEmpty() throws {
        let accepted = HelloAccepted(
            protocolVersion: 1, connectionFeatures: [], acceptorNodeID: T.nodeID("coordinator"),
            acceptorSoftwareVersion: T.version("0.1.0"), clusterActiveVersion: ActiveVersion(protocolVersion: 1, features: []),
            clusterFinalizedVersion: nil, startEmpty: true)
        XCTAssertEqual(try T.roundTrip(accepted), accepted)
        var plain = accepted
        plain.startEmpty = false
        XCTAssertEqual(try T.roundTrip(plain).startEmpty, false)
    }

    func testHeartbeatCarriesAppliedSequences() throws {
        let heartbeat = Heartbeat(sequence: 9, appliedSequences: [0: 5, 1023: .max, 7: 0])
        XCTAssertEqual(try T.roundTrip(heartbeat), heartbeat)
        XCTAssertEqual(try T.roundTrip(Heartbeat(sequence: 1)).appliedSequences, [:])
    }

    func testHeartbeatRejectsPartialRepeatedOrOutOfRangeRecords() {
        let partial = replacing(Heartbeat(sequence: 1), tag: Heartbeat.Tag.appliedSequences, with: ByteBuffer(bytes: [0, 0, 0, 1, 0]))
        guard case .invalidFieldValue(.heartbeat, Heartbeat.Tag.appliedSequences, _)? = T.protocolError({ _ = try Heartbeat(decoding: partial) }) else {
            return XCTFail("a partial record must be refused")
        }
        var repeated = ByteBuffer()
        for _ in 0..<2 {
            repeated.writeInteger(UInt32(3))
            repeated.writeInteger(UInt64(1))
        }
        let twice = replacing(Heartbeat(sequence: 1), tag: Heartbeat.Tag.appliedSequences, with: repeated)
        guard case .invalidFieldValue(.heartbeat, Heartbeat.Tag.appliedSequences, _)? = T.protocolError({ _ = try Heartbeat(decoding: twice) }) else {
            return XCTFail("a repeated vnode must be refused")
        }
        var outOfRange = ByteBuffer()
        outOfRange.writeInteger(UInt32(VnodeCount.maximum))
        outOfRange.writeInteger(UInt64(1))
        let high = replacing(Heartbeat(sequence: 1), tag: Heartbeat.Tag.appliedSequences, with: outOfRange)
        guard case .invalidFieldValue(.heartbeat, Heartbeat.Tag.appliedSequences, _)? = T.protocolError({ _ = try Heartbeat(decoding: high) }) else {
            return XCTFail("a vnode beyond the maximum must be refused")
        }
    }

    func testRoutingTableUpdateCarriesTheDirectory() throws {
        let directory = (1...300).map { index in
            PeerDirectoryEntry(
                memberID: UInt32(index), nodeID: T.nodeID("node-\(index)"), clientHost: "10.0.\(index / 256).\(index % 256)",
                clientPort: 11211, peerHost: "peer-\(index).example", peerPort: UInt16(7000 + index))
        }
        let update = RoutingTableUpdate(epoch: 12, table: ByteBuffer(bytes: [1, 2, 3]), directory: directory)
        XCTAssertEqual(try T.roundTrip(update), update, "more entries than a frame may have fields")
        XCTAssertEqual(try T.roundTrip(RoutingTableUpdate(epoch: 1, table: ByteBuffer())).directory, [])
    }

    func testRoutingTableUpdateRejectsABrokenDirectory() {
        let entry = PeerDirectoryEntry(memberID: 1, nodeID: T.nodeID("a"), clientHost: "h", clientPort: 1, peerHost: "h", peerPort: 2)
        let update = RoutingTableUpdate(epoch: 1, table: ByteBuffer(), directory: [entry])
        var directory = update.frame().fields.first { $0.tag == RoutingTableUpdate.Tag.directory }!.value
        // Cut the last byte: the nested entry overruns its field.
        directory = directory.getSlice(at: directory.readerIndex, length: directory.readableBytes - 1)!
        let truncated = replacing(update, tag: RoutingTableUpdate.Tag.directory, with: directory)
        guard case .invalidFieldValue(.routingTableUpdate, RoutingTableUpdate.Tag.directory, _)? = T.protocolError({
            _ = try RoutingTableUpdate(decoding: truncated)
        }) else { return XCTFail("a truncated directory must be refused") }

        // An entry without its node id.
        var writer = PeerFieldWriter()
        writer.integer(PeerDirectoryEntry.Tag.memberID, UInt32(1))
        let nested = PeerNestedFields.encode([PeerField(tag: RoutingTableUpdate.Tag.directoryEntry, value: PeerNestedFields.encode(writer.fields))])
        let missing = replacing(update, tag: RoutingTableUpdate.Tag.directory, with: nested)
        XCTAssertEqual(
            T.protocolError { _ = try RoutingTableUpdate(decoding: missing) },
            .missingField(messageType: .routingTableUpdate, tag: PeerDirectoryEntry.Tag.nodeID))
    }

    // MARK: - New messages

    func testNodeAndCoordinatorMessagesRoundTrip() throws {
        let replicaHello = ReplicaHello(vnode: 17, appliedThrough: 99, epoch: 4)
        XCTAssertEqual(try T.roundTrip(replicaHello), replicaHello)
        let counts = TransferCountsNow(vnode: 3, sequence: 1 << 40, bytes: 123)
        XCTAssertEqual(try T.roundTrip(counts), counts)
        let order = TransferOrderMessage(
            vnode: 1023, source: T.nodeID("node-1"), target: T.nodeID("node-2"), targetMemberID: 2, bytesPerSecond: 1 << 20, attempt: 3)
        XCTAssertEqual(try T.roundTrip(order), order)
        XCTAssertEqual(try T.roundTrip(DropVnode(vnode: 0)), DropVnode(vnode: 0))
        XCTAssertEqual(try T.roundTrip(EpochAcknowledged(epoch: .max)), EpochAcknowledged(epoch: .max))
        let completed = TransferCompleted(vnode: 5, sequence: 6, bytes: 7)
        XCTAssertEqual(try T.roundTrip(completed), completed)
        let failed = TransferFailed(vnode: 5, reason: "source closed the connection")
        XCTAssertEqual(try T.roundTrip(failed), failed)
    }

    func testNewMessagesAreMustUnderstandAndDecodeAsInbound() throws {
        let frames: [PeerFrame] = [
            ReplicaHello(vnode: 1, appliedThrough: 1, epoch: 1).frame(), TransferCountsNow(vnode: 1, sequence: 1, bytes: 1).frame(),
            TransferOrderMessage(vnode: 1, source: T.nodeID("a"), target: T.nodeID("b"), targetMemberID: 1, bytesPerSecond: 1, attempt: 1).frame(),
            DropVnode(vnode: 1).frame(), EpochAcknowledged(epoch: 1).frame(), TransferCompleted(vnode: 1, sequence: 1, bytes: 1).frame(),
            TransferFailed(vnode: 1, reason: "x").frame(), CtlRequest(requestID: 1, command: .status).frame(),
            CtlReply(requestID: 1, ok: true, text: "t", json: "{}").frame(),
        ]
        for frame in frames {
            XCTAssertTrue(frame.flags.contains(.mustUnderstand), "\(frame.messageType)")
            XCTAssertNotNil(try PeerInboundMessage.decode(frame, limits: .default), "\(frame.messageType)")
            XCTAssertNotNil(frame.messageType.name)
        }
    }

    func testVnodeFieldsRejectOutOfRangeValues() {
        let huge = u32(UInt32(VnodeCount.maximum))
        let cases: [(PeerMessageType, () throws -> Void)] = [
            (.replicaHello, { _ = try ReplicaHello(decoding: self.replacing(ReplicaHello(vnode: 1, appliedThrough: 1, epoch: 1), tag: 1, with: huge)) }),
            (.transferCountsNow, { _ = try TransferCountsNow(decoding: self.replacing(TransferCountsNow(vnode: 1, sequence: 1, bytes: 1), tag: 1, with: huge)) }),
            (.dropVnode, { _ = try DropVnode(decoding: self.replacing(DropVnode(vnode: 1), tag: 1, with: huge)) }),
            (.transferCompleted, { _ = try TransferCompleted(decoding: self.replacing(TransferCompleted(vnode: 1, sequence: 1, bytes: 1), tag: 1, with: huge)) }),
            (.transferFailed, { _ = try TransferFailed(decoding: self.replacing(TransferFailed(vnode: 1, reason: ""), tag: 1, with: huge)) }),
        ]
        for (type, decode) in cases {
            guard case .invalidFieldValue(type, 1, _)? = T.protocolError(decode) else { return XCTFail("\(type) took vnode \(VnodeCount.maximum)") }
        }
    }

    func testRequiredFieldsOfNewMessagesAreChecked() {
        XCTAssertEqual(
            T.protocolError { _ = try ReplicaHello(decoding: self.replacing(ReplicaHello(vnode: 1, appliedThrough: 1, epoch: 1), tag: 3, with: nil)) },
            .missingField(messageType: .replicaHello, tag: 3))
        XCTAssertEqual(
            T.protocolError { _ = try EpochAcknowledged(decoding: self.replacing(EpochAcknowledged(epoch: 1), tag: 1, with: nil)) },
            .missingField(messageType: .epochAcknowledged, tag: 1))
        XCTAssertEqual(
            T.protocolError { _ = try TransferCompleted(decoding: self.replacing(TransferCompleted(vnode: 1, sequence: 1, bytes: 1), tag: 2, with: self.u32(1))) },
            .invalidFieldLength(messageType: .transferCompleted, tag: 2, expectedBytes: 8, actualBytes: 4))
        XCTAssertEqual(
            T.protocolError { _ = try TransferFailed(decoding: self.replacing(TransferFailed(vnode: 1, reason: "x"), tag: 2, with: ByteBuffer(bytes: [0xFF]))) },
            .invalidFieldValue(messageType: .transferFailed, tag: 2, reason: "not valid UTF-8"))
        XCTAssertEqual(
            T.protocolError { _ = try DropVnode(decoding: self.replacing(DropVnode(vnode: 1), tag: 1, with: nil)) },
            .missingField(messageType: .dropVnode, tag: 1))
        XCTAssertEqual(
            T.protocolError { _ = try TransferCountsNow(decoding: self.replacing(TransferCountsNow(vnode: 1, sequence: 1, bytes: 1), tag: 3, with: nil)) },
            .missingField(messageType: .transferCountsNow, tag: 3))
    }

    func testTransferOrderRejectsZeroRateZeroAttemptAndBadNodeIDs() {
        let order = TransferOrderMessage(vnode: 1, source: T.nodeID("a"), target: T.nodeID("b"), targetMemberID: 1, bytesPerSecond: 1, attempt: 1)
        guard case .invalidFieldValue(.transferOrder, TransferOrderMessage.Tag.bytesPerSecond, _)? = T.protocolError({
            _ = try TransferOrderMessage(decoding: self.replacing(order, tag: TransferOrderMessage.Tag.bytesPerSecond, with: self.u64(0)))
        }) else { return XCTFail("rate 0") }
        guard case .invalidFieldValue(.transferOrder, TransferOrderMessage.Tag.attempt, _)? = T.protocolError({
            _ = try TransferOrderMessage(decoding: self.replacing(order, tag: TransferOrderMessage.Tag.attempt, with: self.u32(0)))
        }) else { return XCTFail("attempt 0") }
        guard case .invalidFieldValue(.transferOrder, TransferOrderMessage.Tag.source, _)? = T.protocolError({
            _ = try TransferOrderMessage(decoding: self.replacing(order, tag: TransferOrderMessage.Tag.source, with: ByteBuffer(string: "a b")))
        }) else { return XCTFail("a node id with a space") }
        XCTAssertEqual(
            T.protocolError { _ = try TransferOrderMessage(decoding: self.replacing(order, tag: TransferOrderMessage.Tag.target, with: nil)) },
            .missingField(messageType: .transferOrder, tag: TransferOrderMessage.Tag.target))
    }

    func testCtlRequestRoundTripsEveryCommand() throws {
        let commands: [CtlRequest.Command] = [
            .join(T.nodeID("n1")), .release(T.nodeID("n2")), .leave(T.nodeID("n3")), .status, .nodes, .ring,
            .setTransferLimits(concurrencyPerNode: 4, bytesPerSecond: 1 << 30),
        ]
        for (index, command) in commands.enumerated() {
            let request = CtlRequest(requestID: UInt64(index), command: command)
            XCTAssertEqual(try T.roundTrip(request), request)
        }
    }

    func testCtlRequestRejectsUnknownCommandsAndMissingArguments() {
        let status = CtlRequest(requestID: 1, command: .status)
        XCTAssertEqual(
            T.protocolError { _ = try CtlRequest(decoding: self.replacing(status, tag: CtlRequest.Tag.command, with: ByteBuffer(bytes: [99]))) },
            .invalidFieldValue(messageType: .ctlRequest, tag: CtlRequest.Tag.command, reason: "unknown command 99"))
        let joinWithoutNode = replacing(status, tag: CtlRequest.Tag.command, with: ByteBuffer(bytes: [CtlRequest.Command.Code.join.rawValue]))
        XCTAssertEqual(T.protocolError { _ = try CtlRequest(decoding: joinWithoutNode) }, .missingField(messageType: .ctlRequest, tag: CtlRequest.Tag.node))
        let limits = CtlRequest(requestID: 1, command: .setTransferLimits(concurrencyPerNode: 1, bytesPerSecond: 1))
        var zero = ByteBuffer()
        zero.writeInteger(UInt16(0))
        guard case .invalidFieldValue(.ctlRequest, CtlRequest.Tag.concurrencyPerNode, _)? = T.protocolError({
            _ = try CtlRequest(decoding: self.replacing(limits, tag: CtlRequest.Tag.concurrencyPerNode, with: zero))
        }) else { return XCTFail("concurrency 0") }
        guard case .invalidFieldValue(.ctlRequest, CtlRequest.Tag.bytesPerSecond, _)? = T.protocolError({
            _ = try CtlRequest(decoding: self.replacing(limits, tag: CtlRequest.Tag.bytesPerSecond, with: self.u64(0)))
        }) else { return XCTFail("rate 0") }
    }

    func testCtlReplyRoundTripsAndChecksItsFields() throws {
        let reply = CtlReply(requestID: 3, ok: false, text: "refused: unknown node x", json: #"{"ok":false}"#)
        XCTAssertEqual(try T.roundTrip(reply), reply)
        XCTAssertEqual(
            T.protocolError { _ = try CtlReply(decoding: self.replacing(reply, tag: CtlReply.Tag.json, with: nil)) },
            .missingField(messageType: .ctlReply, tag: CtlReply.Tag.json))
        XCTAssertEqual(
            T.protocolError { _ = try CtlReply(decoding: self.replacing(reply, tag: CtlReply.Tag.ok, with: ByteBuffer(bytes: [7]))) },
            .invalidFieldValue(messageType: .ctlReply, tag: CtlReply.Tag.ok, reason: "boolean must be 0 or 1, got 7"))
    }
}
