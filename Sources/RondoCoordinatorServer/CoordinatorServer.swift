import Logging
import NIOCore
import NIOPosix
import RondoCoordinator
import RondoPeer
import RondoPeerTransport
import RondoServer
import ServiceLifecycle

/// `rondo coordinator` as a swift-service-lifecycle `Service`: loads the state file (a corrupt
/// one is an error, never ignored), listens for nodes and ctl sessions, and runs the
/// `Coordinator` on one event loop until graceful shutdown (or until the state cannot be
/// persisted, which ends `run()` with that error).
public final class CoordinatorServer: Service, Sendable {
    private let configuration: CoordinatorServerConfiguration
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let bound = ListeningAddress()

    /// `clock`: milliseconds on a monotonic clock (the default); tests may inject their own.
    public init(
        configuration: CoordinatorServerConfiguration, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000) }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
    }

    /// The listening address once bound; throws if starting failed.
    public func boundAddress() async throws -> SocketAddress { try await bound.value() }

    public func run() async throws {
        // One loop: the state machine and every session share it, so no event needs a hop.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        do {
            try await serve(group: group, threadPool: threadPool)
        } catch {
            bound.fail(error)
            try? await threadPool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
        try await threadPool.shutdownGracefully()
        try await group.shutdownGracefully()
    }

    private func serve(group: MultiThreadedEventLoopGroup, threadPool: NIOThreadPool) async throws {
        let configuration = self.configuration
        let stateFile = CoordinatorStateFile(directory: configuration.stateDirectory)
        let persisted = try await threadPool.runIfActive { try stateFile.load() }
        let loop = group.next()
        let logger = self.logger
        let clock = self.clock
        let runtime = try await loop.submit {
            NIOLoopBound(
                CoordinatorRuntime(
                    configuration: configuration, persisted: persisted, loop: loop, threadPool: threadPool,
                    logger: logger, clock: clock),
                eventLoop: loop)
        }.get()
        let listener: PeerListener
        do {
            listener = try await PeerListener.bind(
                host: configuration.host, port: configuration.port, group: loop, admission: .decidedByOwner,
                outboundLimits: configuration.outboundLimits, handshakeTimeout: configuration.handshakeTimeout,
                logger: logger, onEvent: { connection, event in runtime.value.handle(connection, event) })
        } catch {
            logger.error("cannot listen", metadata: ["host": "\(configuration.host)", "port": "\(configuration.port)", "error": "\(error)"])
            throw error
        }
        let finished = try await loop.submit {
            runtime.value.start()
            return runtime.value.finished.futureResult
        }.get()
        bound.succeed(listener.localAddress)
        logger.info(
            "coordinator listening",
            metadata: ["address": "\(listener.localAddress)", "state": "\(stateFile.path)", "cluster": "\(configuration.clusterName)"])

        let stop: @Sendable () -> Void = { loop.execute { runtime.value.stop() } }
        do {
            try await withTaskCancellationHandler {
                try await withGracefulShutdownHandler {
                    try await finished.get()
                } onGracefulShutdown: {
                    stop()
                }
            } onCancel: {
                stop()
            }
        } catch {
            await listener.close()
            throw error
        }
        await listener.close()
        logger.info("coordinator stopped")
    }
}
