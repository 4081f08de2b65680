import NIOCore
import NIOPosix
import RondoCore
import RondoPeer
import RondoPeerTransport
import XCTest

/// Real sockets on 127.0.0.1 port 0: handshake and exchange, reconnect after the listener
/// restarts, outbound overflow. Every wait is bounded; everything opened is closed.
final class PeerSocketTests: XCTestCase {
    private typealias T = TransportTestSupport
    private var group: MultiThreadedEventLoopGroup!

    override func setUp() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    }

    override func tearDown() async throws {
        try await group.shutdownGracefully()
    }

    private func listen(
        port: Int = 0, admission: PeerListenerAdmission? = nil, events: EventLog<(PeerConnection, PeerChannelEvent)>
    ) async throws -> PeerListener {
        try await PeerListener.bind(
            host: "127.0.0.1", port: port, group: group, admission: admission ?? .policy({ T.policy() }), logger: T.logger,
            onEvent: { connection, event in events.append((connection, event)) })
    }

    private func client(
        port: Int, outbound: PeerOutboundLimits = .default, events: EventLog<PeerClientEvent>
    ) -> PeerClient {
        PeerClient(
            host: "127.0.0.1", port: port, eventLoop: group.next(),
            configuration: PeerClient.Configuration(outboundLimits: outbound, backoff: T.fastBackoff),
            logger: T.logger, hello: { T.hello("node-a") }, onEvent: { events.append($0) })
    }

    func testHandshakeAndMessagesBothWays() async throws {
        let serverEvents = EventLog<(PeerConnection, PeerChannelEvent)>()
        let listener = try await listen(events: serverEvents)
        XCTAssertGreaterThan(listener.port, 0)
        let clientEvents = EventLog<PeerClientEvent>()
        let client = client(port: listener.port, events: clientEvents)
        client.start()

        let session = try await clientEvents.first { if case .connected(let session) = $0 { return session } else { return nil } }
        XCTAssertEqual(session.peerNodeID, NodeID("listener"))
        client.send(TransferCompleted(vnode: 3, sequence: 10, bytes: 100))
        let (connection, completed) = try await serverEvents.first { entry -> (PeerConnection, TransferCompleted)? in
            if case .message(.transferCompleted(let done)) = entry.1 { return (entry.0, done) } else { return nil }
        }
        XCTAssertEqual(completed, TransferCompleted(vnode: 3, sequence: 10, bytes: 100))
        connection.send(DropVnode(vnode: 3))
        let drop = try await clientEvents.first { if case .message(.dropVnode(let drop)) = $0 { return drop } else { return nil } }
        XCTAssertEqual(drop.vnode, 3)

        try await client.close().get()
        _ = try await serverEvents.first { if case .closed = $0.1 { return true } else { return nil } }
        await listener.close()
    }

    func testClientReconnectsAfterTheListenerRestarts() async throws {
        let firstEvents = EventLog<(PeerConnection, PeerChannelEvent)>()
        let first = try await listen(events: firstEvents)
        let port = first.port
        let clientEvents = EventLog<PeerClientEvent>()
        let client = client(port: port, events: clientEvents)
        client.start()
        _ = try await clientEvents.first { if case .connected = $0 { return true } else { return nil } }

        // The listener goes away with its connections.
        await first.close()
        let (accepted, _) = try await firstEvents.first { entry -> (PeerConnection, Bool)? in
            if case .established = entry.1 { return (entry.0, true) } else { return nil }
        }
        accepted.close()
        let reason = try await clientEvents.first { event -> PeerDisconnectReason? in
            if case .disconnected(let reason, _) = event { return reason } else { return nil }
        }
        XCTAssertEqual(reason, .connectionClosed)

        let secondEvents = EventLog<(PeerConnection, PeerChannelEvent)>()
        let second = try await listen(port: port, events: secondEvents)
        _ = try await secondEvents.first(within: 10) { if case .established = $0.1 { return true } else { return nil } }
        _ = try await clientEvents.first { _ -> Bool? in
            clientEvents.count { if case .connected = $0 { return true } else { return false } } == 2 ? true : nil
        }

        try await client.close().get()
        await second.close()
    }

    func testAttemptsAgainstAClosedPortBackOffAndReport() async throws {
        let events = EventLog<(PeerConnection, PeerChannelEvent)>()
        let listener = try await listen(events: events)
        let port = listener.port
        await listener.close()
        let clientEvents = EventLog<PeerClientEvent>()
        let client = client(port: port, events: clientEvents)
        client.start()
        let delays = try await clientEvents.first { _ -> [TimeAmount]? in
            let delays = clientEvents.all.compactMap { event -> TimeAmount? in
                if case .disconnected(.connectFailed, let delay) = event { return delay } else { return nil }
            }
            return delays.count >= 3 ? delays : nil
        }
        for delay in delays { XCTAssertLessThanOrEqual(delay, T.fastBackoff.maxDelay) }
        try await client.close().get()
    }

    func testOutboundOverflowClosesTheConnectionAndReportsIt() async throws {
        // The listener never answers the Hello, so everything the client sends waits in its queue.
        let serverEvents = EventLog<(PeerConnection, PeerChannelEvent)>()
        let listener = try await listen(admission: .decidedByOwner, events: serverEvents)
        let clientEvents = EventLog<PeerClientEvent>()
        let client = client(port: listener.port, outbound: PeerOutboundLimits(framesMax: 3, bytesMax: 1 << 20), events: clientEvents)
        client.start()
        _ = try await serverEvents.first { if case .admissionRequested = $0.1 { return true } else { return nil } }
        for epoch in 1...5 { client.send(EpochAcknowledged(epoch: UInt64(epoch))) }
        let reason = try await clientEvents.first { event -> PeerDisconnectReason? in
            if case .disconnected(let reason, _) = event { return reason } else { return nil }
        }
        XCTAssertEqual(reason, .outboundOverflow(frames: 3, bytes: 3 * EpochAcknowledged(epoch: 1).frame().encodedBytes))
        try await client.close().get()
        for (connection, _) in serverEvents.all { connection.close() }
        await listener.close()
    }

    func testBackoffGrowsToItsCapWithJitter() {
        var backoff = ReconnectBackoff(initialDelay: .milliseconds(100), maxDelay: .seconds(1))
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<8).map { _ in backoff.nextDelay(using: &generator) }
        XCTAssertTrue((TimeAmount.milliseconds(50)...TimeAmount.milliseconds(100)).contains(delays[0]))
        XCTAssertTrue((TimeAmount.milliseconds(100)...TimeAmount.milliseconds(200)).contains(delays[1]))
        for delay in delays[4...] { XCTAssertTrue((TimeAmount.milliseconds(500)...TimeAmount.seconds(1)).contains(delay)) }
        backoff.reset()
        XCTAssertLessThanOrEqual(backoff.nextDelay(using: &generator), .milliseconds(100))
    }
}

/// The pool keeps one client per remote id and tags events with it.
final class PeerConnectionPoolTests: XCTestCase {
    private typealias T = TransportTestSupport

    func testPoolConnectsPerNodeAndTagsEvents() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let serverEvents = EventLog<(PeerConnection, PeerChannelEvent)>()
        let listener = try await PeerListener.bind(
            host: "127.0.0.1", port: 0, group: group, admission: .policy({ T.policy() }), logger: T.logger,
            onEvent: { connection, event in serverEvents.append((connection, event)) })
        let poolEvents = EventLog<(NodeID, PeerClientEvent)>()
        let pool = PeerConnectionPool(
            group: group, configuration: PeerClient.Configuration(backoff: T.fastBackoff), logger: T.logger,
            hello: { T.hello("node-a") }, onEvent: { node, event in poolEvents.append((node, event)) })
        let remote = NodeID("listener")!
        XCTAssertFalse(pool.send(EpochAcknowledged(epoch: 1), to: remote), "no client for an unknown node")
        pool.connect(remote, host: "127.0.0.1", port: listener.port)
        pool.connect(remote, host: "127.0.0.1", port: listener.port)
        XCTAssertEqual(pool.nodes, [remote])
        _ = try await poolEvents.first { entry -> Bool? in
            if entry.0 == remote, case .connected = entry.1 { return true } else { return nil }
        }
        XCTAssertTrue(pool.send(EpochAcknowledged(epoch: 8), to: remote))
        let acknowledged = try await serverEvents.first { entry -> UInt64? in
            if case .message(.epochAcknowledged(let ack)) = entry.1 { return ack.epoch } else { return nil }
        }
        XCTAssertEqual(acknowledged, 8)
        XCTAssertEqual(serverEvents.count { if case .established = $0.1 { return true } else { return false } }, 1, "one connection per node")

        try await pool.disconnect(remote)?.get()
        XCTAssertEqual(pool.nodes, [])
        _ = try await serverEvents.first { if case .closed = $0.1 { return true } else { return nil } }
        await pool.close()
        await listener.close()
        try await group.shutdownGracefully()
    }
}
