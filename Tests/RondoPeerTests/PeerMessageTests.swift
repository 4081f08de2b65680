import NIOCore
import RondoCore
import XCTest

@testable import RondoPeer

final class PeerMessageTests: XCTestCase {
    private let items = ByteBuffer(string: String(repeating: "key value ", count: 200))

    func testHelloRoundTrips() throws {
        let full = PeerTestSupport.hello()
        XCTAssertEqual(try PeerTestSupport.roundTrip(full), full)
        let bare = Hello(
            clusterName: "c", nodeID: PeerTestSupport.nodeID("ctl-1"), role: .ctl,
            build: PeerTestSupport.build("1.20.3", protocols: 2...7, features: []))
        XCTAssertEqual(try PeerTestSupport.roundTrip(bare), bare)
    }

    func testHelloAcceptedRoundTripsWithAndWithoutFinalizedVersion() throws {
        var accepted = HelloAccepted(
            protocolVersion: 3, connectionFeatures: [.replicationV1, .transferLZ4],
            acceptorNodeID: PeerTestSupport.nodeID("node-1"), acceptorSoftwareVersion: PeerTestSupport.version("0.2.1"),
            clusterActiveVersion: ActiveVersion(protocolVersion: 2, features: [.replicationV1]),
            clusterFinalizedVersion: PeerTestSupport.version("0.2.0"))
        XCTAssertEqual(try PeerTestSupport.roundTrip(accepted), accepted)
        accepted.clusterFinalizedVersion = nil
        XCTAssertEqual(try PeerTestSupport.roundTrip(accepted), accepted)
    }

    func testHelloRefusedRoundTripsEveryReason() throws {
        let refusals: [HandshakeRefusal] = [
            .wrongCluster(expected: "a", got: "b"),
            .duplicateNodeID(PeerTestSupport.nodeID("n")),
            .noCommonProtocolVersion(ours: 1...2, theirs: 3...4),
            .versionOutsideSkew(peer: PeerTestSupport.version("0.3.0"), accepted: AcceptedVersionWindow(major: 0, minors: 0...2)),
            .downgradeBelowFinalized(peer: PeerTestSupport.version("0.1.0"), finalized: PeerTestSupport.version("0.2.0")),
            .malformed(detail: "x"),
        ]
        for refusal in refusals {
            let decoded = try PeerTestSupport.roundTrip(HelloRefused(refusal))
            XCTAssertEqual(decoded.code, refusal.code)
            XCTAssertEqual(decoded.text, refusal.description)
        }
        let future = HelloRefused(code: HandshakeRefusalCode(rawValue: 99), text: "later reason")
        XCTAssertEqual(try PeerTestSupport.roundTrip(future), future)
    }

    func testControlMessagesRoundTrip() throws {
        XCTAssertEqual(try PeerTestSupport.roundTrip(Heartbeat(sequence: .max)), Heartbeat(sequence: .max))
        let error = ErrorFrame(code: .unsupportedMessage, text: "no", offendingMessageType: .init(rawValue: 0x4242))
        XCTAssertEqual(try PeerTestSupport.roundTrip(error), error)
        let bare = ErrorFrame(code: .protocolViolation, text: "")
        XCTAssertEqual(try PeerTestSupport.roundTrip(bare), bare)
    }

    func testEnvelopesRoundTrip() throws {
        let update = RoutingTableUpdate(epoch: 42, table: ByteBuffer(bytes: [0, 1, 2, 255]))
        XCTAssertEqual(try PeerTestSupport.roundTrip(update), update)
        let request = ForwardedRequest(requestID: 9, request: ByteBuffer(string: "set k 0 0 1\r\nv\r\n"))
        XCTAssertEqual(try PeerTestSupport.roundTrip(request), request)
        let reply = ForwardedReply(requestID: 9, reply: ByteBuffer(string: "STORED\r\n"))
        XCTAssertEqual(try PeerTestSupport.roundTrip(reply), reply)
        let ack = ReplicationAck(vnode: 1023, acknowledgedSequence: 77)
        XCTAssertEqual(try PeerTestSupport.roundTrip(ack), ack)
    }

    func testAReplyWrittenInPlaceIsTheMessagesBytes() throws {
        for text in ["", "END\r\n", "VALUE k 0 3\r\nabc\r\nEND\r\n"] {
            var expected = ByteBuffer(string: "before")
            ForwardedReply(requestID: 0xABCD_EF01_2345, reply: ByteBuffer(string: text)).encode(into: &expected)
            var inPlace = ByteBuffer(string: "before")
            let frameBytes = ForwardedReply.encode(requestID: 0xABCD_EF01_2345, into: &inPlace) { $0.writeString(text) }
            XCTAssertEqual(inPlace, expected, "reply \(text.debugDescription)")
            XCTAssertEqual(frameBytes, inPlace.readableBytes - "before".utf8.count)
            XCTAssertEqual(
                inPlace.getString(at: "before".utf8.count + ForwardedReply.inPlaceReplyOffset, length: text.utf8.count), text,
                "the reply starts at the documented offset")
        }
    }

    func testReplicationBatchRoundTripsPlainAndCompressed() throws {
        for compression in [ItemsCompression.none, .lz4] {
            let batch = ReplicationBatch(vnode: 5, firstSequence: 100, itemCount: 200, items: items, compression: compression)
            XCTAssertEqual(try PeerTestSupport.roundTrip(batch), batch)
            XCTAssertEqual(batch.lastSequence, 299)
        }
        let compressed = ReplicationBatch(vnode: 5, firstSequence: 1, itemCount: 200, items: items, compression: .lz4)
        XCTAssertLessThan(compressed.frame().encodedBytes, items.readableBytes, "the body really is compressed")
        XCTAssertNil(ReplicationBatch(vnode: 0, firstSequence: 0, itemCount: 0, items: ByteBuffer()).lastSequence)
    }

    func testTransferBatchRoundTripsAndIsCompressed() throws {
        let batch = TransferBatch(vnode: 8, cursor: ByteBuffer(string: "after:key-99"), itemCount: 200, items: items, isLast: false)
        XCTAssertEqual(try PeerTestSupport.roundTrip(batch), batch)
        XCTAssertTrue(batch.frame().fields.contains { $0.tag == TransferBatch.Tag.itemsLZ4 })
        let last = TransferBatch(vnode: 8, cursor: ByteBuffer(), itemCount: 0, items: ByteBuffer(), isLast: true)
        XCTAssertEqual(try PeerTestSupport.roundTrip(last), last)
    }

    func testTransferBatchMayTravelUncompressed() throws {
        let plain = TransferBatch(
            vnode: 8, cursor: ByteBuffer(string: "c"), itemCount: 200, items: items, isLast: true, compression: .none)
        let decoded = try PeerTestSupport.roundTrip(plain)
        XCTAssertEqual(decoded, plain)
        XCTAssertEqual(decoded.compression, .none)
        XCTAssertTrue(plain.frame().fields.contains { $0.tag == TransferBatch.Tag.items })
        XCTAssertFalse(plain.frame().fields.contains { $0.tag == TransferBatch.Tag.itemsLZ4 })
        let compressed = TransferBatch(vnode: 8, cursor: ByteBuffer(string: "c"), itemCount: 200, items: items, isLast: true)
        XCTAssertLessThan(compressed.frame().encodedBytes, plain.frame().encodedBytes)
    }

    func testUnknownFieldsAreSkipped() throws {
        let hello = PeerTestSupport.hello()
        var frame = hello.frame()
        frame.fields.insert(PeerField(tag: 0x0F00, value: ByteBuffer(string: "from a later release")), at: 0)
        frame.fields.append(PeerField(tag: 0x0F01, value: ByteBuffer()))
        frame.fields.append(PeerField(tag: 0x0F01, value: ByteBuffer(string: "repeated unknown tags are fine")))
        var bytes = PeerTestSupport.bytes([frame])
        var decoder = PeerFrameDecoder()
        XCTAssertEqual(try Hello(decoding: XCTUnwrap(decoder.decode(buffer: &bytes))), hello)
    }

    func testMissingDuplicateAndMisshapenFieldsAreTypedErrors() {
        var frame = Heartbeat(sequence: 1).frame()
        frame.fields = []
        XCTAssertEqual(PeerTestSupport.protocolError { _ = try Heartbeat(decoding: frame) }, .missingField(messageType: .heartbeat, tag: 1))

        frame = Heartbeat(sequence: 1).frame()
        frame.fields += frame.fields
        XCTAssertEqual(PeerTestSupport.protocolError { _ = try Heartbeat(decoding: frame) }, .duplicateField(messageType: .heartbeat, tag: 1))

        frame.fields = [PeerField(tag: 1, value: ByteBuffer(bytes: [1, 2, 3]))]
        XCTAssertEqual(
            PeerTestSupport.protocolError { _ = try Heartbeat(decoding: frame) },
            .invalidFieldLength(messageType: .heartbeat, tag: 1, expectedBytes: 8, actualBytes: 3))

        XCTAssertEqual(
            PeerTestSupport.protocolError { _ = try Hello(decoding: Heartbeat(sequence: 1).frame()) },
            .wrongMessageType(expected: .hello, got: .heartbeat))
    }

    func testInvalidHelloValuesAreTypedErrors() {
        func hello(replacing tag: UInt16, with value: ByteBuffer) -> PeerFrame {
            var frame = PeerTestSupport.hello().frame()
            frame.fields.removeAll { $0.tag == tag }
            frame.fields.append(PeerField(tag: tag, value: value))
            return frame
        }
        let cases: [(UInt16, ByteBuffer)] = [
            (Hello.Tag.nodeID, ByteBuffer(string: "has space")),
            (Hello.Tag.nodeID, ByteBuffer(string: String(repeating: "n", count: NodeID.bytesMax + 1))),
            (Hello.Tag.clusterName, ByteBuffer(bytes: [0xFF, 0xFE])),
            (Hello.Tag.role, ByteBuffer(bytes: [9])),
            (Hello.Tag.softwareVersion, ByteBuffer(string: "1.2")),
            (Hello.Tag.protocolVersions, ByteBuffer(bytes: [0, 5, 0, 4])),
            (Hello.Tag.feature, ByteBuffer(string: "no/slash")),
        ]
        for (tag, value) in cases {
            let error = PeerTestSupport.protocolError { _ = try Hello(decoding: hello(replacing: tag, with: value)) }
            guard case .invalidFieldValue(.hello, tag, _)? = error else {
                XCTFail("tag \(tag): \(String(describing: error))")
                continue
            }
        }
    }

    func testTooManyFeaturesIsRejected() {
        var frame = PeerTestSupport.hello().frame()
        for index in 0...PeerProtocolLimits.featuresPerMessageMax {
            frame.fields.append(PeerField(tag: Hello.Tag.feature, value: ByteBuffer(string: "f\(index)")))
        }
        let error = PeerTestSupport.protocolError { _ = try Hello(decoding: frame) }
        XCTAssertEqual(error, .tooManyListEntries(messageType: .hello, tag: Hello.Tag.feature, limit: PeerProtocolLimits.featuresPerMessageMax))
    }

    func testBatchItemsRules() {
        var frame = ReplicationBatch(vnode: 1, firstSequence: 1, itemCount: 1, items: items, compression: .lz4).frame()
        let plain = PeerField(tag: ReplicationBatch.Tag.items, value: items)
        frame.fields.append(plain)
        guard case .invalidFieldValue(.replicationBatch, ReplicationBatch.Tag.itemsLZ4, _)? =
            PeerTestSupport.protocolError({ _ = try ReplicationBatch(decoding: frame) })
        else { return XCTFail("both bodies must be rejected") }

        frame.fields.removeAll { $0.tag == ReplicationBatch.Tag.items || $0.tag == ReplicationBatch.Tag.itemsLZ4 }
        XCTAssertEqual(
            PeerTestSupport.protocolError { _ = try ReplicationBatch(decoding: frame) },
            .missingField(messageType: .replicationBatch, tag: ReplicationBatch.Tag.items))

        frame.fields.append(PeerField(tag: ReplicationBatch.Tag.itemsLZ4, value: ByteBuffer(bytes: [0, 0, 0, 9, 1, 2])))
        guard case .corruptCompressedItems(.replicationBatch, _)? = PeerTestSupport.protocolError({ _ = try ReplicationBatch(decoding: frame) })
        else { return XCTFail("corrupt LZ4 must be rejected") }
    }

    func testDecompressedSizeLimitIsEnforcedBeforeDecompressing() {
        let frame = TransferBatch(vnode: 1, cursor: ByteBuffer(), itemCount: 1, items: items, isLast: true).frame()
        let limits = PeerProtocolLimits(decompressedItemsBytesMax: items.readableBytes - 1)
        let error = PeerTestSupport.protocolError { _ = try TransferBatch(decoding: frame, limits: limits) }
        XCTAssertEqual(
            error,
            .corruptCompressedItems(
                messageType: .transferBatch, .declaredLengthTooLarge(declared: items.readableBytes, maximum: items.readableBytes - 1)))
    }

    func testSequenceOverflowIsRejected() {
        var frame = ReplicationBatch(vnode: 1, firstSequence: .max, itemCount: 2, items: items).frame()
        XCTAssertNotNil(PeerTestSupport.protocolError { _ = try ReplicationBatch(decoding: frame) })
        frame = ReplicationBatch(vnode: 1, firstSequence: .max, itemCount: 1, items: items).frame()
        XCTAssertEqual(try ReplicationBatch(decoding: frame).lastSequence, .max)
    }

    func testLongTextIsCutAtACharacterBoundary() throws {
        let text = String(repeating: "é", count: PeerProtocolLimits.textBytesMax)  // 2 bytes each
        let error = ErrorFrame(code: .protocolViolation, text: text)
        XCTAssertEqual(error.text.utf8.count, PeerProtocolLimits.textBytesMax)
        XCTAssertEqual(try PeerTestSupport.roundTrip(error), error)
    }

    func testFeatureAndNodeIDValidation() {
        XCTAssertNotNil(FeatureName("replication.lz4-batches"))
        XCTAssertNil(FeatureName(""))
        XCTAssertNil(FeatureName("ünïcode"))
        XCTAssertNil(FeatureName(String(repeating: "a", count: FeatureName.bytesMax + 1)))
        XCTAssertNotNil(NodeID("node-3.rack_a"))
        XCTAssertNil(NodeID("node 3"))
    }

    func testCurrentBuildOffersThisReleasesFeaturesOnly() {
        XCTAssertEqual(BuildInfo.current.softwareVersion, RondoVersion.current)
        XCTAssertEqual(BuildInfo.current.features, [.replicationV1, .transferLZ4, .replicationLZ4Batches])
        XCTAssertFalse(BuildInfo.release_0_1_0.features.contains(.replicationLZ4Batches), "0.1.0 did not offer it")
    }
}
