import Logging
import NIOConcurrencyHelpers
import NIOCore
import RondoCore
import RondoEngine
import RondoGateway
import RondoNode
import RondoPeer
import RondoPeerTransport
import RondoProtocol
import RondoStorage
import ServiceLifecycle

/// A cluster node's runtime, as a swift-service-lifecycle `Service` beside the `NodeServer` whose
/// client connections it routes (`ClusterRequestRouter`).
///
/// One `ClusterNode` lives on one event loop of the server's group (the cluster loop) together
/// with the coordinator session, the peer listener and the node's connections to its peers; a
/// repeating task ticks it. Client loops read a published `RoutingSnapshot` to route keys and serve
/// local reads straight from the store; writes and forwards hop to the cluster loop.
///
/// Run it before the `NodeServer` in the service group: on shutdown the server drains its clients
/// first (their writes still need replication and forwards), then this closes the sessions.
public final class ClusterRuntime: Service, ClusterRequestRouter, Sendable {
    private let configuration: ClusterRuntimeConfiguration
    private let loop: any EventLoop
    private let logger: Logger
    private let published: NIOLockedValueBox<RoutingSnapshot>
    private let core: NIOLoopBoundBox<ClusterLoop>
    private let finished: EventLoopPromise<Void>
    private let clientPort: @Sendable () async throws -> Int
    private let clientCounters = ClientRequestCounters()

    /// `loop`: the cluster loop (one loop of the client server's group). `clientPort`: the port the
    /// client listener bound (asked once, before the node says hello). `restartInPlace`: called on
    /// the cluster loop with the binary (nil: this one) of an in-place `RestartNode` order meant
    /// for this node; it starts the drain and re-exec and returns true, or returns false when it
    /// cannot (the node keeps serving). Nil: in-place orders are refused (logged).
    public init(
        configuration: ClusterRuntimeConfiguration, loop: any EventLoop, store: ItemStore, engine: CommandEngine, logger: Logger,
        clientPort: @escaping @Sendable () async throws -> Int,
        restartInPlace: (@Sendable (_ binaryPath: String?) -> Bool)? = nil
    ) {
        self.configuration = configuration
        self.loop = loop
        self.logger = logger
        self.clientPort = clientPort
        let published = NIOLockedValueBox(RoutingSnapshot.empty)
        let finished = loop.makePromise(of: Void.self)
        self.published = published
        self.finished = finished
        self.core = NIOLoopBoundBox.makeBoxSendingValue(
            ClusterLoop(
                configuration: configuration, loop: loop, store: store, engine: engine, logger: logger, published: published,
                finished: finished, clientCounters: clientCounters, restartInPlace: restartInPlace),
            eventLoop: loop)
    }

    /// The routing snapshot client loops use now.
    public var routingSnapshot: RoutingSnapshot { published.withLockedValue { $0 } }

    public func run() async throws {
        let clientPort = try await self.clientPort()
        let core = self.core
        let configuration = self.configuration
        let listener = try await PeerListener.bind(
            host: configuration.host, port: configuration.peerPort, group: loop,
            admission: .policy {
                // Peers are admitted by cluster name and version; a node id is checked against the
                // coordinator's membership, not here.
                HandshakePolicy(clusterName: configuration.clusterName, localNodeID: configuration.nodeID, isNodeIDInUse: { _ in false })
            },
            logger: logger, onEvent: { connection, event in core.value.listenerEvent(connection, event) })
        let peerPort = listener.port
        let peers = PeerConnectionPool(
            group: loop, logger: logger,
            hello: {
                Hello(
                    clusterName: configuration.clusterName, nodeID: configuration.nodeID, role: .node, build: configuration.build,
                    advertisedHost: configuration.host, clientPort: UInt16(clamping: clientPort),
                    peerPort: UInt16(clamping: peerPort))
            },
            onEvent: { peer, event in core.value.peerEvent(peer, event) })
        let coordinator = PeerClient(
            host: configuration.coordinatorHost, port: configuration.coordinatorPort, eventLoop: loop, logger: logger,
            hello: { core.value.coordinatorHello(clientPort: clientPort, peerPort: peerPort) },
            onEvent: { event in core.value.coordinatorEvent(event) })
        logger.info(
            "cluster runtime started",
            metadata: [
                "node": "\(configuration.nodeID)", "peer_address": "\(listener.localAddress)",
                "coordinator": "\(configuration.coordinatorHost):\(configuration.coordinatorPort)",
                "write_ack": "\(configuration.node.replication.writeAckPolicy.rawValue)",
            ])
        let tickInterval = configuration.tickInterval
        try await loop.submit {
            let state = core.value
            state.peers = peers
            state.coordinator = coordinator
            state.tickTask = state.loop.scheduleRepeatedTask(initialDelay: tickInterval, delay: tickInterval) { _ in
                core.value.tick()
            }
            coordinator.start()
        }.get()

        let loop = self.loop
        let outcome: Result<Void, any Error>
        do {
            try await withGracefulShutdownHandler {
                try await self.finished.futureResult.get()
            } onGracefulShutdown: {
                loop.execute { core.value.stop() }
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await listener.close()
        try? await coordinator.close().get()
        await peers.close()
        logger.info("cluster runtime stopped")
        try outcome.get()
    }

    // MARK: - ClusterRequestRouter

    // Every routed key counts as a client request; every failure the client sees as
    // `SERVER_ERROR` (no route, a failed write, forward or flush, or an owner's error relayed)
    // counts as an error: the heartbeat's error rate.

    public func route(key: ByteBuffer, isWrite: Bool) -> GatewayRoute {
        clientCounters.requestRouted()
        // Routed under the lock rather than on a copy: copying the snapshot out retained and
        // released each of its tables and dictionaries for every key; routing is a hash and a
        // few array reads, and the lock is only contended when the cluster loop publishes.
        let route = published.withLockedValue { $0.route(key: key, isWrite: isWrite) }
        if case .unavailable = route { clientCounters.requestFailed() }
        return route
    }

    public func executeLocalWrite(_ request: MemcachedRequest, eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        let promise = eventLoop.makePromise(of: ByteBuffer.self)
        let core = self.core
        onClusterLoop { core.value.executeLocalWrite(request, promise: promise) }
        let counters = clientCounters
        promise.futureResult.whenFailure { _ in counters.requestFailed() }
        return promise.futureResult
    }

    public func forward(_ encodedRequest: ByteBuffer, to destination: GatewayDestination, eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        guard let member = RoutingSnapshot.member(of: destination) else {
            clientCounters.requestFailed()
            return eventLoop.makeFailedFuture(GatewayFailure(reason: "unknown member \(destination)"))
        }
        let promise = eventLoop.makePromise(of: ByteBuffer.self)
        let core = self.core
        onClusterLoop { core.value.forward(encodedRequest, to: member, promise: promise) }
        let counters = clientCounters
        promise.futureResult.whenComplete { result in counters.count(result) }
        return promise.futureResult
    }

    /// On the cluster loop (every client connection with `--threads 1`) the answer goes straight
    /// from the peer's reply to `completion`: no promise, future or callback list per request.
    public func forward(
        _ encodedRequest: ByteBuffer, to destination: GatewayDestination, on eventLoop: any EventLoop,
        completion: @escaping (Result<ByteBuffer, any Error>) -> Void
    ) {
        guard loop.inEventLoop, let member = RoutingSnapshot.member(of: destination) else {
            // Another loop (or an unknown member, which the future path fails and counts).
            forward(encodedRequest, to: destination, eventLoop: eventLoop).hop(to: eventLoop).assumeIsolated().whenComplete(completion)
            return
        }
        core.value.forward(encodedRequest, to: member, completion: .callback(completion, counters: clientCounters))
    }

    public func flushAll(delay: Int64, eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let core = self.core
        loop.execute { core.value.flushAll(delay: delay, promise: promise) }
        let counters = clientCounters
        promise.futureResult.whenFailure { _ in counters.requestFailed() }
        return promise.futureResult
    }

    /// Runs `body` on the cluster loop: at once when the caller is on it (with `--threads 1` every
    /// client connection is, so a request costs no task and no closure on the loop's queue),
    /// else as a task.
    @inline(__always)
    private func onClusterLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop {
            body()
        } else {
            loop.execute(body)
        }
    }

    public func routingTableReply() -> ByteBuffer? {
        published.withLockedValue { $0 }.routingTableReply
    }
}

extension ClusterRuntime {
    /// For `NodeServer`: every client connection gets the cluster-mode front end, routed by this
    /// runtime.
    public func clientPipelineInstaller(engine: CommandEngine, limits: ProtocolLimits) -> @Sendable (any Channel) throws -> Void {
        { channel in
            try channel.pipeline.syncOperations.addClusterServerHandlers(engine: engine, router: self, limits: limits)
        }
    }
}
