import Logging
import NIOCore
import NIOExtras
import NIOPosix
import RondoEngine
import RondoProtocol
import RondoStorage
import ServiceLifecycle
import Synchronization

/// The memcached listener of one node, as a swift-service-lifecycle `Service`.
///
/// Lifecycle: bind → serve (plus the periodic expiry sweep) → on graceful shutdown stop accepting,
/// let every connection finish the requests it already received (`ChannelShouldQuiesceEvent`),
/// then close; connections still open after `drainTimeout` are closed by force. Rolling upgrades
/// rely on this drain: a node leaving the cluster must not drop requests it acknowledged reading.
public final class NodeServer: Service, Sendable {
    /// Installs the memcached handlers of one accepted client channel instead of the standalone
    /// node's (a cluster node installs its routing front end). Runs on the channel's event loop.
    public typealias ClientPipelineInstaller = @Sendable (any Channel) throws -> Void

    private let configuration: NodeServerConfiguration
    private let engine: CommandEngine
    private let store: ItemStore
    private let counters: NodeCounters
    private let limits: ProtocolLimits
    private let group: MultiThreadedEventLoopGroup
    /// The server made the group and shuts it down when it stops; a given group is its owner's.
    private let ownsGroup: Bool
    private let installClientPipeline: ClientPipelineInstaller?
    private let logger: Logger
    private let bound = ListeningAddress()
    /// The listening socket's descriptor while the server accepts; nil before and once the drain
    /// began (the server channel, which owns it, closes it then).
    private let listeningDescriptor = Mutex<CInt?>(nil)

    /// `group`: the event loops to serve on; nil makes one of `configuration.threads` threads,
    /// shut down when the server stops. A given group (shared with a cluster runtime) stays up.
    /// `installClientPipeline`: nil installs the standalone node's memcached handlers.
    public init(
        configuration: NodeServerConfiguration,
        engine: CommandEngine,
        store: ItemStore,
        counters: NodeCounters,
        limits: ProtocolLimits,
        logger: Logger,
        group: MultiThreadedEventLoopGroup? = nil,
        installClientPipeline: ClientPipelineInstaller? = nil
    ) {
        self.configuration = configuration
        self.engine = engine
        self.store = store
        self.counters = counters
        self.limits = limits
        self.ownsGroup = group == nil
        self.group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        self.installClientPipeline = installClientPipeline
        self.logger = logger
    }

    /// The listening address once bound; throws if binding failed.
    public func boundAddress() async throws -> SocketAddress { try await bound.value() }

    /// A descriptor of the listening socket that survives `exec`, for an in-place restart: take
    /// it before the drain, which closes the server's own descriptor; the socket then keeps
    /// listening (clients queue in the backlog) until the new process serves it.
    public func duplicateListeningSocketForExec() throws -> CInt {
        guard let descriptor = listeningDescriptor.withLock({ $0 }) else {
            throw ListeningSocket.Failure(description: "the server is not listening")
        }
        return try ListeningSocket.duplicateForExec(descriptor)
    }

    public func run() async throws {
        do {
            try await serve()
        } catch {
            if ownsGroup { try? await group.shutdownGracefully() }
            throw error
        }
        if ownsGroup { try await group.shutdownGracefully() }
    }

    private func serve() async throws {
        let quiesce = ServerQuiescingHelper(group: group)
        let channel: any Channel
        do {
            // The server opens the socket itself (rather than NIO's `bind`) so that it knows the
            // descriptor an in-place restart hands over; an inherited one is served as it is.
            let descriptor =
                try configuration.inheritedListeningSocket
                ?? ListeningSocket.open(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
            channel = try await makeBootstrap(quiesce: quiesce).withBoundSocket(descriptor).get()
            listeningDescriptor.withLock { $0 = descriptor }
        } catch {
            bound.fail(error)
            logger.error("cannot listen", metadata: ["host": "\(configuration.host)", "port": "\(configuration.port)", "error": "\(error)"])
            throw error
        }
        let address = channel.localAddress!
        bound.succeed(address)
        logger.info("listening", metadata: ["address": "\(address)", "inherited": "\(configuration.inheritedListeningSocket != nil)", "threads": "\(configuration.threads)", "max_connections": "\(configuration.maxConnections)"])

        // Completed once every connection has finished (or the drain timed out). The server channel
        // itself closes at the start of the drain, so its closeFuture is not the end of serving.
        let drained = group.next().makePromise(of: Void.self)
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { tasks in
                tasks.addTask { await self.sweepExpiredItems() }
                try await drained.futureResult.get()
                tasks.cancelAll()
            }
        } onGracefulShutdown: {
            self.drain(quiesce: quiesce, completing: drained)
        }
        logger.info("stopped", metadata: ["address": "\(address)", "open_connections": "\(counters.currentConnectionCount)"])
    }

    private func makeBootstrap(quiesce: ServerQuiescingHelper) -> ServerBootstrap {
        let engine = self.engine
        let counters = self.counters
        let limits = self.limits
        let maxConnections = configuration.maxConnections
        let installClientPipeline = self.installClientPipeline
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(configuration.backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard ConnectionAdmission.admit(channel, counters: counters, maxConnections: maxConnections) else { return }
                    if let installClientPipeline {
                        try installClientPipeline(channel)
                    } else {
                        try channel.pipeline.syncOperations.addMemcachedServerHandlers(engine: engine, limits: limits)
                    }
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
    }

    /// Stops accepting and asks every connection to finish; force-closes after the drain timeout.
    private func drain(quiesce: ServerQuiescingHelper, completing drained: EventLoopPromise<Void>) {
        listeningDescriptor.withLock { $0 = nil }
        logger.info("draining connections", metadata: ["open": "\(counters.currentConnectionCount)", "timeout": "\(configuration.drainTimeout)"])
        let loop = drained.futureResult.eventLoop
        let drainTimeout = configuration.drainTimeout
        let logger = self.logger
        loop.execute {
            let quiesced = loop.makePromise(of: Void.self)
            quiesce.initiateShutdown(promise: quiesced)
            // Both callbacks run on `loop`, so a loop-bound flag decides which one ends the drain.
            let finished = NIOLoopBoundBox(false, eventLoop: loop)
            let timeout = loop.scheduleTask(in: drainTimeout) {
                guard !finished.value else { return }
                finished.value = true
                logger.warning("drain timeout: closing remaining connections")
                drained.succeed(())
            }
            quiesced.futureResult.whenComplete { _ in
                timeout.cancel()
                guard !finished.value else { return }
                finished.value = true
                drained.succeed(())
            }
        }
    }

    /// Expired items are removed lazily on access; this bounded sweep reclaims the ones nobody reads.
    private func sweepExpiredItems() async {
        let interval = Duration.nanoseconds(configuration.sweepInterval.nanoseconds)
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            store.sweepExpired(maxItems: configuration.sweepMaxItems)
        }
    }
}
