import NIOCore
import NIOEmbedded
import RondoCore
import RondoPeer
import RondoPeerTransport
import XCTest

/// The peer pipeline through `EmbeddedChannel`: established sessions, typed messages, the send
/// path's batching and frame limit, and a malformed frame that closes the connection with its
/// reason. (`PeerInboundHandlerTests` covers how received bytes become frames and events.)
final class PeerPipelineTests: XCTestCase {
    private typealias T = TransportTestSupport

    func testTypedMessagesReachTheOwnerAfterTheHandshake() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, connection) = try T.peerChannel(events)
        try channel.writeInbound(T.bytes([T.hello("node-7"), EpochAcknowledged(epoch: 4), TransferFailed(vnode: 2, reason: "gone")]))
        let kinds = events.all.map { event -> String in
            switch event {
            case .established(let session): return "established \(session.peerNodeID)"
            case .message(.epochAcknowledged(let ack)): return "ack \(ack.epoch)"
            case .message(.transferFailed(let failed)): return "failed \(failed.vnode)"
            default: return "other \(event)"
            }
        }
        XCTAssertEqual(kinds, ["established node-7", "ack 4", "failed 2"])
        XCTAssertNotNil(connection.session)
        var reply = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self))
        var decoder = PeerFrameDecoder()
        XCTAssertEqual(try decoder.decode(buffer: &reply)?.messageType, .helloAccepted)
        connection.send(DropVnode(vnode: 9))
        // Sends are flushed once the current loop iteration ends (a task on the loop).
        channel.embeddedEventLoop.run()
        var sent = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(try DropVnode(decoding: XCTUnwrap(decoder.decode(buffer: &sent))), DropVnode(vnode: 9))
        _ = try? channel.finish()
    }

    func testSendsOfOneLoopIterationShareOneFlush() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, connection) = try T.peerChannel(events)
        try channel.writeInbound(T.bytes([T.hello("node-7")]))
        XCTAssertNotNil(try channel.readOutbound(as: ByteBuffer.self), "the handshake answer leaves at once")
        connection.send(DropVnode(vnode: 1))
        connection.send(DropVnode(vnode: 2))
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self), "written, not flushed, while the iteration runs")
        channel.embeddedEventLoop.run()
        var decoder = PeerFrameDecoder()
        var sent = try T.allSent(channel)
        XCTAssertEqual(try DropVnode(decoding: XCTUnwrap(decoder.decode(buffer: &sent))), DropVnode(vnode: 1))
        XCTAssertEqual(try DropVnode(decoding: XCTUnwrap(decoder.decode(buffer: &sent))), DropVnode(vnode: 2))
        _ = try? channel.finish()
    }

    func testAFrameOverTheLimitIsRefusedAfterTheFramesSentBeforeIt() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, connection) = try T.establishedPeerChannel(events, protocolLimits: PeerProtocolLimits(frameBytesMax: 512))
        connection.send(DropVnode(vnode: 1))
        connection.send(TransferFailed(vnode: 2, reason: String(repeating: "x", count: 600)))
        channel.embeddedEventLoop.run()
        var decoder = PeerFrameDecoder()
        var sent = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self), "the frame before the oversized one leaves")
        XCTAssertEqual(try DropVnode(decoding: XCTUnwrap(decoder.decode(buffer: &sent))), DropVnode(vnode: 1))
        XCTAssertEqual(sent.readableBytes, 0, "nothing of the oversized frame is sent")
        try T.assertClosedOverFrameLimit(channel, events, frameBytesMax: 512)
    }

    func testAReplyWrittenInPlaceLeavesWithTheOtherFramesOfTheIteration() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, connection) = try T.establishedPeerChannel(events)
        connection.send(DropVnode(vnode: 1))
        connection.sendForwardedReply(requestID: 42) { $0.writeString("END\r\n") }
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self), "written, not flushed, while the iteration runs")
        channel.embeddedEventLoop.run()
        var decoder = PeerFrameDecoder()
        var sent = try T.allSent(channel)
        XCTAssertEqual(try DropVnode(decoding: XCTUnwrap(decoder.decode(buffer: &sent))), DropVnode(vnode: 1))
        XCTAssertEqual(
            try ForwardedReply(decoding: XCTUnwrap(decoder.decode(buffer: &sent))),
            ForwardedReply(requestID: 42, reply: ByteBuffer(string: "END\r\n")))
        XCTAssertEqual(sent.readableBytes, 0)
        _ = try? channel.finish()
    }

    func testAReplyWrittenInPlaceOverTheLimitIsRefusedLikeAnyFrame() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, connection) = try T.establishedPeerChannel(events, protocolLimits: PeerProtocolLimits(frameBytesMax: 512))
        connection.sendForwardedReply(requestID: 1) { $0.writeString("END\r\n") }
        connection.sendForwardedReply(requestID: 2) { $0.writeString(String(repeating: "x", count: 600)) }
        channel.embeddedEventLoop.run()
        var decoder = PeerFrameDecoder()
        var sent = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self), "the reply before the oversized one leaves")
        XCTAssertEqual(
            try ForwardedReply(decoding: XCTUnwrap(decoder.decode(buffer: &sent))),
            ForwardedReply(requestID: 1, reply: ByteBuffer(string: "END\r\n")))
        XCTAssertEqual(sent.readableBytes, 0, "nothing of the oversized frame is sent")
        try T.assertClosedOverFrameLimit(channel, events, frameBytesMax: 512)
    }

    func testUnknownOptionalTypesAreSkipped() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        var buffer = T.bytes([T.hello("node-7")])
        PeerFrame(messageType: PeerMessageType(rawValue: 0x7FF0), flags: [], fields: []).write(into: &buffer)
        EpochAcknowledged(epoch: 1).encode(into: &buffer)
        try channel.writeInbound(buffer)
        XCTAssertTrue(channel.isActive)
        XCTAssertEqual(events.count { if case .message = $0 { return true } else { return false } }, 1)
        _ = try? channel.finish()
    }

    func testMalformedFrameClosesWithItsReason() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        var bad = TransferCompleted(vnode: 1, sequence: 1, bytes: 1).frame()
        bad.fields.removeAll { $0.tag == TransferCompleted.Tag.sequence }
        var buffer = T.bytes([T.hello("node-7")])
        bad.write(into: &buffer)
        _ = try? channel.writeInbound(buffer)
        XCTAssertFalse(channel.isActive, "a malformed frame closes the connection")
        guard case .closed(.protocolClose(.protocolError(.missingField(.transferCompleted, TransferCompleted.Tag.sequence))))? = events.all.last else {
            return XCTFail("expected the close reason, got \(events.all)")
        }
        XCTAssertEqual(events.count { if case .message = $0 { return true } else { return false } }, 0)
    }

    func testGarbageBeforeTheHandshakeClosesWithoutACrash() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        _ = try? channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 1, 9, 9, 9]))
        XCTAssertFalse(channel.isActive)
        guard case .closed(.protocolClose(.protocolError(.frameLengthTooSmall)))? = events.all.last else {
            return XCTFail("expected a framing error, got \(events.all)")
        }
    }
}
