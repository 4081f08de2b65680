import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import RondoCore
import RondoPeer
import RondoPeerTransport
import XCTest

/// Events recorded from any thread, and bounded waits for them.
final class EventLog<Event: Sendable>: Sendable {
    private let events = NIOLockedValueBox<[Event]>([])

    func append(_ event: Event) { events.withLockedValue { $0.append(event) } }

    var all: [Event] { events.withLockedValue { $0 } }

    /// The first recorded event `match` accepts, waiting at most `seconds`.
    func first<Value>(
        within seconds: Double = 5, file: StaticString = #filePath, line: UInt = #line, _ match: (Event) -> Value?
    ) async throws -> Value {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let value = all.lazy.compactMap(match).first { return value }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTFail("no matching event within \(seconds) s; saw \(all)", file: file, line: line)
        throw CancellationError()
    }

    /// How many recorded events `match` accepts.
    func count(_ match: (Event) -> Bool) -> Int { all.filter(match).count }
}

enum TransportTestSupport {
    static let clusterName = "transport-test"

    static var logger: Logger {
        var logger = Logger(label: "transport-test")
        logger.logLevel = .critical
        return logger
    }

    static func hello(_ node: String, role: PeerRole = .node) -> Hello {
        Hello(clusterName: clusterName, nodeID: NodeID(node)!, role: role, build: .current, advertisedHost: "127.0.0.1", clientPort: 11211, peerPort: 7001)
    }

    static func policy(_ local: String = "listener") -> HandshakePolicy {
        HandshakePolicy(clusterName: clusterName, localNodeID: NodeID(local)!, isNodeIDInUse: { _ in false })
    }

    static func acceptance() -> HelloAccepted {
        HelloAccepted(
            protocolVersion: BuildInfo.current.protocolVersions.upperBound, connectionFeatures: [],
            acceptorNodeID: NodeID("listener")!, acceptorSoftwareVersion: BuildInfo.current.softwareVersion,
            clusterActiveVersion: ActiveVersion(protocolVersion: BuildInfo.current.protocolVersions.upperBound, features: []),
            clusterFinalizedVersion: nil)
    }

    static let fastBackoff = ReconnectBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))

    /// An `EmbeddedChannel` with the peer pipeline for `side` (default: accepting with `policy()`),
    /// connected, its events appended to `events`. `onEvent` runs after the append, on the loop.
    static func peerChannel(
        _ events: EventLog<PeerChannelEvent>,
        side: PeerHandshakeStateMachine.Side = .accepting(policy()),
        protocolLimits: PeerProtocolLimits = .default,
        onEvent: @escaping @Sendable (PeerConnection, PeerChannelEvent) -> Void = { _, _ in }
    ) throws -> (EmbeddedChannel, PeerConnection) {
        let channel = EmbeddedChannel()
        let connection = try PeerPipeline.configure(
            channel, side: side, protocolLimits: protocolLimits, handshakeTimeout: .seconds(5), logger: logger,
            onEvent: { connection, event in
                events.append(event)
                onEvent(connection, event)
            })
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, connection)
    }

    /// An accepting `peerChannel` after node-7's Hello and the handshake answer (read and dropped),
    /// so what the test reads outbound is only what the connection sends afterwards.
    static func establishedPeerChannel(
        _ events: EventLog<PeerChannelEvent>, protocolLimits: PeerProtocolLimits = .default
    ) throws -> (EmbeddedChannel, PeerConnection) {
        let (channel, connection) = try peerChannel(events, protocolLimits: protocolLimits)
        try channel.writeInbound(bytes([hello("node-7")]))
        XCTAssertNotNil(try channel.readOutbound(as: ByteBuffer.self), "the handshake answer")
        return (channel, connection)
    }

    /// Every outbound byte written so far, in one buffer.
    static func allSent(_ channel: EmbeddedChannel) throws -> ByteBuffer {
        var sent = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { sent.writeBuffer(&part) }
        return sent
    }

    /// Nothing more was sent and the connection closed on an I/O error naming the frame limit:
    /// what a frame over `frameBytesMax` does to the sender.
    static func assertClosedOverFrameLimit(
        _ channel: EmbeddedChannel, _ events: EventLog<PeerChannelEvent>, frameBytesMax: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self), file: file, line: line)
        XCTAssertFalse(channel.isActive, "the encoder refuses the frame and the connection closes", file: file, line: line)
        guard case .closed(.ioError(let text))? = events.all.last else {
            return XCTFail("expected an I/O close, got \(events.all)", file: file, line: line)
        }
        XCTAssertTrue(text.contains("exceed the frame limit of \(frameBytesMax) bytes"), text, file: file, line: line)
    }

    static func bytes(_ messages: [any PeerMessage]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for message in messages { message.encode(into: &buffer) }
        return buffer
    }
}
