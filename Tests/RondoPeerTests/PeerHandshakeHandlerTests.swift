import NIOCore
import NIOEmbedded
import RondoCore
import XCTest

@testable import RondoPeer

/// Collects what `PeerHandshakeHandler` passes on, at the end of the pipeline.
private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = PeerInboundMessage

    var events: [PeerConnectionEvent] = []
    var messages: [PeerInboundMessage] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        messages.append(unwrapInboundIn(data))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? PeerConnectionEvent { events.append(event) }
    }
}

final class PeerHandshakeHandlerTests: XCTestCase {
    private typealias T = PeerTestSupport

    private func makeChannel(side: PeerHandshakeStateMachine.Side, limits: PeerProtocolLimits = .default) throws -> (EmbeddedChannel, RecordingHandler) {
        let channel = EmbeddedChannel()
        let recorder = RecordingHandler()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(PeerFrameDecoder(limits: limits)),
            MessageToByteHandler(PeerFrameEncoder()),
            PeerHandshakeHandler(side: side, limits: limits, handshakeTimeout: .seconds(5)),
            recorder,
        ])
        return (channel, recorder)
    }

    private func connect(_ channel: EmbeddedChannel) throws {
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
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

    private func established(_ recorder: RecordingHandler) -> PeerSession? {
        for case .established(let session) in recorder.events { return session }
        return nil
    }

    private func closing(_ recorder: RecordingHandler) -> PeerCloseReason? {
        for case .closing(let reason) in recorder.events { return reason }
        return nil
    }

    func testTwoHandlersBackToBackEstablishAndExchangeMessages() throws {
        let (server, serverRecorder) = try makeChannel(side: .accepting(T.policy()))
        let (client, clientRecorder) = try makeChannel(side: .connecting(T.hello()))
        try connect(server)
        try connect(client)
        try shuttle(client, server)

        XCTAssertEqual(established(serverRecorder)?.peerNodeID, T.nodeID("node-2"))
        XCTAssertEqual(established(clientRecorder)?.peerNodeID, T.nodeID("node-1"))
        XCTAssertEqual(established(clientRecorder)?.protocolVersion, 1)

        let request = ForwardedRequest(requestID: 1, request: ByteBuffer(string: "get k\r\n"))
        try client.writeOutbound(request.frame())
        try shuttle(client, server)
        XCTAssertEqual(serverRecorder.messages, [.forwardedRequest(request)])

        try client.writeOutbound(PeerFrame(messageType: .init(rawValue: 0x0777), flags: .mustUnderstand))
        try shuttle(client, server)
        guard case .error(let error)? = clientRecorder.messages.last else { return XCTFail("\(clientRecorder.messages)") }
        XCTAssertEqual(error.code, .unsupportedMessage)
        XCTAssertTrue(server.isActive && client.isActive)

        // Nothing left over: the timer was cancelled when the handshake completed.
        server.embeddedEventLoop.advanceTime(by: .seconds(60))
        client.embeddedEventLoop.advanceTime(by: .seconds(60))
        XCTAssertTrue(server.isActive && client.isActive)
        _ = try server.finish()
        _ = try client.finish()
    }

    func testRefusedHandshakeClosesBothSidesWithTheReason() throws {
        let (server, serverRecorder) = try makeChannel(side: .accepting(T.policy(finalized: "0.1.0")))
        let (client, clientRecorder) = try makeChannel(side: .connecting(T.hello(build: T.build("0.0.5"))))
        try connect(server)
        try connect(client)
        try shuttle(client, server)

        let refusal = HandshakeRefusal.downgradeBelowFinalized(peer: T.version("0.0.5"), finalized: T.version("0.1.0"))
        XCTAssertEqual(closing(serverRecorder), .refusedPeer(refusal))
        XCTAssertEqual(closing(clientRecorder), .refusedByPeer(code: .downgradeBelowFinalized, text: refusal.description))
        XCTAssertFalse(server.isActive)
        XCTAssertFalse(client.isActive)
    }

    func testHandshakeTimeoutClosesTheConnection() throws {
        let (server, recorder) = try makeChannel(side: .accepting(T.policy()))
        try connect(server)
        server.embeddedEventLoop.advanceTime(by: .seconds(4))
        XCTAssertTrue(server.isActive)
        server.embeddedEventLoop.advanceTime(by: .seconds(1))
        XCTAssertEqual(closing(recorder), .handshakeTimeout)
        XCTAssertFalse(server.isActive)
        var report = try XCTUnwrap(server.readOutbound(as: ByteBuffer.self))
        var decoder = PeerFrameDecoder()
        XCTAssertEqual(try ErrorFrame(decoding: XCTUnwrap(decoder.decode(buffer: &report))).code, .protocolViolation)
    }

    func testMalformedBytesCloseWithALoggedReasonNotACrash() throws {
        let limits = PeerProtocolLimits(frameBytesMax: 1024)
        let (server, recorder) = try makeChannel(side: .accepting(T.policy()), limits: limits)
        try connect(server)
        var garbage = ByteBuffer()
        garbage.writeInteger(UInt32.max)
        garbage.writeString("not a frame")
        try server.writeInbound(garbage)
        XCTAssertEqual(closing(recorder), .protocolError(.frameTooLarge(frameBytes: 4 + Int(UInt32.max), limitBytes: 1024)))
        XCTAssertFalse(server.isActive)
    }

    func testHandlerAddedToAnActiveChannelStartsTheHandshake() throws {
        let channel = EmbeddedChannel()
        try connect(channel)
        try channel.pipeline.syncOperations.addHandlers([
            MessageToByteHandler(PeerFrameEncoder()),
            PeerHandshakeHandler(side: .connecting(T.hello())),
        ])
        var bytes = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self))
        var decoder = PeerFrameDecoder()
        XCTAssertEqual(try Hello(decoding: XCTUnwrap(decoder.decode(buffer: &bytes))), T.hello())
        _ = try channel.finish()
    }
}
