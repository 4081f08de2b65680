import NIOCore
import NIOEmbedded
import RondoCore
import RondoPeer
import RondoPeerTransport
import XCTest

/// `PeerInboundHandler` (through `PeerPipeline` on `EmbeddedChannel`): frames however the bytes
/// are cut into reads, the handshake and its refusals, its timeout, owner-decided admission, and
/// oversized, malformed, truncated or unknown frames.
final class PeerInboundHandlerTests: XCTestCase {
    private typealias T = TransportTestSupport

    /// A short description of each event, for comparing sequences.
    private func kinds(_ events: EventLog<PeerChannelEvent>) -> [String] {
        events.all.map { event -> String in
            switch event {
            case .admissionRequested(let hello): return "admission \(hello.nodeID)"
            case .established(let session): return "established \(session.peerNodeID)"
            case .message(.epochAcknowledged(let ack)): return "ack \(ack.epoch)"
            case .message(.dropVnode(let drop)): return "drop \(drop.vnode)"
            case .message(.error(let error)): return "error \(error.code)"
            case .message(let other): return "message \(other)"
            case .closed(let reason): return "closed \(reason)"
            }
        }
    }

    private func closeReason(_ events: EventLog<PeerChannelEvent>) -> PeerDisconnectReason? {
        for case .closed(let reason) in events.all { return reason }
        return nil
    }

    /// The frames in `buffer`, decoded.
    private func frames(_ buffer: ByteBuffer) throws -> [PeerFrame] {
        var buffer = buffer
        var decoder = PeerFrameDecoder()
        var frames: [PeerFrame] = []
        while let frame = try decoder.decode(buffer: &buffer) { frames.append(frame) }
        XCTAssertEqual(buffer.readableBytes, 0, "whole frames only")
        return frames
    }

    /// Moves bytes between the two channels until neither has anything to send.
    private func shuttle(_ a: EmbeddedChannel, _ b: EmbeddedChannel) throws {
        var moved = true
        while moved {
            moved = false
            for (from, to) in [(a, b), (b, a)] {
                while let bytes = try from.readOutbound(as: ByteBuffer.self) {
                    moved = true
                    if to.isActive { try to.writeInbound(bytes) }
                }
            }
        }
    }

    // MARK: - Reads and frames

    func testHandshakeThenMessagesInOneRead() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, connection) = try T.peerChannel(events)
        try channel.writeInbound(T.bytes([T.hello("node-7"), EpochAcknowledged(epoch: 4), DropVnode(vnode: 2)]))
        XCTAssertEqual(kinds(events), ["established node-7", "ack 4", "drop 2"])
        XCTAssertEqual(connection.session?.peerNodeID, NodeID("node-7"))
        XCTAssertEqual(try frames(T.allSent(channel)).map(\.messageType), [.helloAccepted])
        XCTAssertTrue(channel.isActive)
        _ = try? channel.finish()
    }

    func testSeveralFramesInOneReadAfterTheHandshake() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        try channel.writeInbound(T.bytes([T.hello("node-7")]))
        try channel.writeInbound(T.bytes((1...5).map { EpochAcknowledged(epoch: $0) }))
        XCTAssertEqual(kinds(events), ["established node-7", "ack 1", "ack 2", "ack 3", "ack 4", "ack 5"])
        _ = try? channel.finish()
    }

    func testFramesSplitAcrossReadsByteByByteArriveWholeAndInOrder() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        var stream = T.bytes([T.hello("node-7"), EpochAcknowledged(epoch: 1), DropVnode(vnode: 3)])
        var reads = 0
        while let byte = stream.readSlice(length: 1) {
            try channel.writeInbound(byte)
            reads += 1
        }
        XCTAssertGreaterThan(reads, 20)
        XCTAssertEqual(kinds(events), ["established node-7", "ack 1", "drop 3"])
        _ = try? channel.finish()
    }

    func testAPartialFrameAfterWholeOnesIsCompletedByTheNextRead() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        var stream = T.bytes([T.hello("node-7"), EpochAcknowledged(epoch: 1), EpochAcknowledged(epoch: 2), DropVnode(vnode: 3)])
        // The first read ends inside the second ack: the hello and the first ack are decoded, the
        // rest of the read waits for the next one.
        let helloAndAckBytes = T.bytes([T.hello("node-7"), EpochAcknowledged(epoch: 1)]).readableBytes
        try channel.writeInbound(stream.readSlice(length: helloAndAckBytes + 5)!)
        XCTAssertEqual(kinds(events), ["established node-7", "ack 1"])
        try channel.writeInbound(stream.readSlice(length: stream.readableBytes)!)
        XCTAssertEqual(kinds(events), ["established node-7", "ack 1", "ack 2", "drop 3"])
        _ = try? channel.finish()
    }

    func testMessagesAfterTheOwnerClosesInItsCallbackAreNotDelivered() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events) { connection, event in
            if case .message(.epochAcknowledged(let ack)) = event, ack.epoch == 1 { connection.close() }
        }
        try channel.writeInbound(T.bytes([T.hello("node-7"), EpochAcknowledged(epoch: 1), EpochAcknowledged(epoch: 2)]))
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(kinds(events), ["established node-7", "ack 1", "closed \(PeerDisconnectReason.connectionClosed)"])
    }

    // MARK: - Bad frames

    func testAFrameOverTheLimitIsRefusedFromItsLengthPrefix() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events, protocolLimits: PeerProtocolLimits(frameBytesMax: 256))
        try channel.writeInbound(T.bytes([T.hello("node-7")]))
        _ = try T.allSent(channel)
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt32(1000))
        _ = try? channel.writeInbound(prefix)
        XCTAssertFalse(channel.isActive, "the prefix alone closes the connection")
        XCTAssertEqual(closeReason(events), .protocolClose(.protocolError(.frameTooLarge(frameBytes: 1004, limitBytes: 256))))
        let report = try XCTUnwrap(frames(T.allSent(channel)).first)
        XCTAssertEqual(try ErrorFrame(decoding: report).code, .protocolViolation, "the peer is told why")
    }

    func testMalformedFrameClosesAndWhatFollowsItIsNotDelivered() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        var buffer = T.bytes([T.hello("node-7"), EpochAcknowledged(epoch: 1)])
        // A field header that runs past the end of its frame.
        buffer.writeInteger(UInt32(4 + 6))
        buffer.writeInteger(PeerMessageType.dropVnode.rawValue)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(UInt16(1))
        buffer.writeInteger(UInt32(50))
        EpochAcknowledged(epoch: 2).encode(into: &buffer)
        _ = try? channel.writeInbound(buffer)
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(
            closeReason(events),
            .protocolClose(.protocolError(.fieldOverrunsFrame(messageType: .dropVnode, tag: 1, declaredBytes: 50, remainingBytes: 0))))
        XCTAssertEqual(kinds(events).filter { $0.hasPrefix("ack") }, ["ack 1"])
    }

    func testAConnectionEndingInsideAFrameClosesAsTruncated() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        try channel.writeInbound(T.bytes([T.hello("node-7")]))
        let ack = T.bytes([EpochAcknowledged(epoch: 1)])
        try channel.writeInbound(ack.getSlice(at: 0, length: 7)!)
        try channel.close().wait()
        XCTAssertEqual(closeReason(events), .protocolClose(.protocolError(.truncatedFrame(bufferedBytes: 7))))
        XCTAssertEqual(kinds(events).filter { $0.hasPrefix("ack") }, [])
    }

    func testAnUnknownMustUnderstandTypeIsAnsweredAndTheConnectionStays() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        var buffer = T.bytes([T.hello("node-7")])
        PeerFrame(messageType: PeerMessageType(rawValue: 0x0777), flags: .mustUnderstand).write(into: &buffer)
        PeerFrame(messageType: PeerMessageType(rawValue: 0x0778), flags: []).write(into: &buffer)
        EpochAcknowledged(epoch: 1).encode(into: &buffer)
        try channel.writeInbound(buffer)
        XCTAssertTrue(channel.isActive)
        XCTAssertEqual(kinds(events), ["established node-7", "ack 1"], "unknown types never reach the owner")
        let sent = try frames(T.allSent(channel))
        XCTAssertEqual(sent.map(\.messageType), [.helloAccepted, .error])
        let answer = try ErrorFrame(decoding: sent[1])
        XCTAssertEqual(answer.code, .unsupportedMessage)
        XCTAssertEqual(answer.offendingMessageType, PeerMessageType(rawValue: 0x0777))
        _ = try? channel.finish()
    }

    func testAHandshakeMessageAfterTheHandshakeCloses() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        _ = try? channel.writeInbound(T.bytes([T.hello("node-7"), T.hello("node-7")]))
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(closeReason(events), .protocolClose(.protocolError(.unexpectedHandshakeMessage(.hello))))
    }

    // MARK: - Handshake

    func testTwoPipelinesBackToBackEstablishAndExchangeMessages() throws {
        let serverEvents = EventLog<PeerChannelEvent>()
        let clientEvents = EventLog<PeerChannelEvent>()
        let (server, serverConnection) = try T.peerChannel(serverEvents)
        let (client, clientConnection) = try T.peerChannel(clientEvents, side: .connecting(T.hello("node-a")))
        // Sent before the handshake: waits, then leaves after it.
        clientConnection.send(EpochAcknowledged(epoch: 9))
        try shuttle(client, server)
        client.embeddedEventLoop.run()
        try shuttle(client, server)
        XCTAssertEqual(kinds(serverEvents), ["established node-a", "ack 9"])
        XCTAssertEqual(kinds(clientEvents), ["established listener"])

        serverConnection.send(DropVnode(vnode: 4))
        server.embeddedEventLoop.run()
        try shuttle(client, server)
        XCTAssertEqual(kinds(clientEvents), ["established listener", "drop 4"])

        // The handshake timer was cancelled when the handshake completed.
        server.embeddedEventLoop.advanceTime(by: .seconds(60))
        client.embeddedEventLoop.advanceTime(by: .seconds(60))
        XCTAssertTrue(server.isActive && client.isActive)
        _ = try? server.finish()
        _ = try? client.finish()
    }

    func testARefusedHandshakeClosesBothSidesWithTheReason() throws {
        let serverEvents = EventLog<PeerChannelEvent>()
        let clientEvents = EventLog<PeerChannelEvent>()
        let (server, _) = try T.peerChannel(serverEvents)
        let stranger = Hello(
            clusterName: "other-cluster", nodeID: NodeID("node-a")!, role: .node, build: .current, advertisedHost: "127.0.0.1",
            clientPort: 11211, peerPort: 7001)
        let (client, _) = try T.peerChannel(clientEvents, side: .connecting(stranger))
        try shuttle(client, server)
        let refusal = HandshakeRefusal.wrongCluster(expected: T.clusterName, got: "other-cluster")
        XCTAssertEqual(closeReason(serverEvents), .protocolClose(.refusedPeer(refusal)))
        XCTAssertEqual(closeReason(clientEvents), .protocolClose(.refusedByPeer(code: .wrongCluster, text: refusal.description)))
        XCTAssertFalse(server.isActive)
        XCTAssertFalse(client.isActive)
    }

    func testTheHandshakeTimesOut() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, _) = try T.peerChannel(events)
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        XCTAssertTrue(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(closeReason(events), .protocolClose(.handshakeTimeout))
        let report = try XCTUnwrap(frames(T.allSent(channel)).first)
        XCTAssertEqual(try ErrorFrame(decoding: report).code, .protocolViolation)
    }

    func testTheConnectingSideSendsItsHelloOnAnActiveChannel() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        _ = try PeerPipeline.configure(channel, side: .connecting(T.hello("node-a")), logger: T.logger, onEvent: { _, _ in })
        let sent = try frames(T.allSent(channel))
        XCTAssertEqual(try sent.map { try Hello(decoding: $0) }, [T.hello("node-a")])
        _ = try? channel.finish()
    }

    func testTheOwnerDecidesAdmission() throws {
        let events = EventLog<PeerChannelEvent>()
        let (channel, connection) = try T.peerChannel(events, side: .admitting)
        try channel.writeInbound(T.bytes([T.hello("node-7")]))
        XCTAssertEqual(kinds(events), ["admission node-7"])
        XCTAssertEqual(try T.allSent(channel).readableBytes, 0, "nothing is sent before the owner answers")
        connection.admit(.accept(T.acceptance()))
        XCTAssertEqual(try frames(T.allSent(channel)).map(\.messageType), [.helloAccepted])
        try channel.writeInbound(T.bytes([EpochAcknowledged(epoch: 3)]))
        XCTAssertEqual(kinds(events), ["admission node-7", "established node-7", "ack 3"])
        _ = try? channel.finish()
    }
}
