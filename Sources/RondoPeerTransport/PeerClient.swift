import Logging
import NIOCore
import NIOPosix
import RondoPeer

/// One outbound peer connection that stays up: connects, says Hello (from `hello()`, asked at
/// every attempt so it carries current facts such as the table epoch), waits for the answer, then
/// sends typed messages; reconnects with `ReconnectBackoff` after any close, refusal or failed
/// attempt until `close()`.
///
/// `send` while a connection is being set up queues the message (within `PeerOutboundLimits`)
/// until the handshake completes; `send` while no connection exists (between a close and the
/// next attempt) drops it: the owner saw `.disconnected` and resynchronizes after `.connected`.
/// All state lives on one event loop; every method may be called from any thread.
public final class PeerClient: Sendable {
    public struct Configuration: Sendable {
        public var protocolLimits: PeerProtocolLimits
        public var outboundLimits: PeerOutboundLimits
        public var handshakeTimeout: TimeAmount
        public var connectTimeout: TimeAmount
        public var backoff: ReconnectBackoff

        public init(
            protocolLimits: PeerProtocolLimits = .default, outboundLimits: PeerOutboundLimits = .default,
            handshakeTimeout: TimeAmount = PeerPipeline.handshakeTimeoutDefault,
            connectTimeout: TimeAmount = .seconds(2), backoff: ReconnectBackoff = ReconnectBackoff()
        ) {
            self.protocolLimits = protocolLimits
            self.outboundLimits = outboundLimits
            self.handshakeTimeout = handshakeTimeout
            self.connectTimeout = connectTimeout
            self.backoff = backoff
        }
    }

    private struct State {
        var host: String
        var port: Int
        var backoff: ReconnectBackoff
        var connection: PeerConnection?
        var isEstablished = false
        var retry: Scheduled<Void>?
        var isStopped = false
        var isStarted = false
    }

    public let eventLoop: any EventLoop
    private let configuration: Configuration
    private let hello: @Sendable () -> Hello
    private let logger: Logger
    private let onEvent: @Sendable (PeerClientEvent) -> Void
    private let state: NIOLoopBoundBox<State>

    public init(
        host: String, port: Int, eventLoop: any EventLoop, configuration: Configuration = Configuration(),
        logger: Logger, hello: @escaping @Sendable () -> Hello, onEvent: @escaping @Sendable (PeerClientEvent) -> Void
    ) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.hello = hello
        self.logger = logger
        self.onEvent = onEvent
        self.state = NIOLoopBoundBox.makeBoxSendingValue(
            State(host: host, port: port, backoff: configuration.backoff), eventLoop: eventLoop)
    }

    /// Starts the first attempt.
    public func start() {
        onLoop { client in
            guard !client.state.value.isStarted, !client.state.value.isStopped else { return }
            client.state.value.isStarted = true
            client.connect()
        }
    }

    /// Where the next attempt connects; the current connection, if any, is left alone.
    public func updateAddress(host: String, port: Int) {
        onLoop { client in
            client.state.value.host = host
            client.state.value.port = port
        }
    }

    public func send<Message: PeerMessage>(_ message: Message) {
        // The connection encodes it straight into its send buffer (no `PeerFrame` on the way);
        // on the loop already, without a closure.
        if eventLoop.inEventLoop {
            state.value.connection?.send(message)
            return
        }
        onLoop { client in
            guard let connection = client.state.value.connection else { return }
            connection.send(message)
        }
    }

    /// Closes the connection and stops reconnecting; no event follows the returned future.
    public func close() -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        onLoop { client in
            client.state.value.isStopped = true
            client.state.value.retry?.cancel()
            client.state.value.retry = nil
            guard let connection = client.state.value.connection else { return promise.succeed(()) }
            client.state.value.connection = nil
            connection.channel.close().whenComplete { _ in promise.succeed(()) }
        }
        return promise.futureResult
    }

    // MARK: - On the event loop

    private func connect() {
        let host = state.value.host
        let port = state.value.port
        let hello = self.hello()
        let configuration = self.configuration
        let logger = self.logger
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = try PeerPipeline.configure(
                        channel, side: .connecting(hello), protocolLimits: configuration.protocolLimits,
                        outboundLimits: configuration.outboundLimits, handshakeTimeout: configuration.handshakeTimeout,
                        logger: logger, onEvent: { connection, event in self.connectionEvent(connection, event) })
                    self.state.value.connection = connection
                }
            }
        bootstrap.connect(host: host, port: port).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let channel):
                // Closed by `close()` while connecting: do not keep it.
                if self.state.value.isStopped { channel.close(promise: nil) }
            case .failure(let error):
                // A failed connect never became active, so its connection reports no close.
                self.state.value.connection = nil
                self.attemptEnded(.connectFailed("\(host):\(port): \(error)"))
            }
        }
    }

    private func connectionEvent(_ connection: PeerConnection, _ event: PeerChannelEvent) {
        guard state.value.connection === connection else { return }
        switch event {
        case .admissionRequested:
            // Only accepting sides are asked; a connecting side never is.
            connection.close()
        case .established(let session):
            state.value.isEstablished = true
            state.value.backoff.reset()
            guard !state.value.isStopped else { return }
            onEvent(.connected(session))
        case .message(let message):
            guard !state.value.isStopped else { return }
            onEvent(.message(message))
        case .closed(let reason):
            state.value.connection = nil
            attemptEnded(reason)
        }
    }

    private func attemptEnded(_ reason: PeerDisconnectReason) {
        state.value.isEstablished = false
        guard !state.value.isStopped else { return }
        let delay = state.value.backoff.nextDelay()
        logger.debug("peer connection down", metadata: ["remote": "\(state.value.host):\(state.value.port)", "reason": "\(reason)", "retry_in_ms": "\(delay.nanoseconds / 1_000_000)"])
        state.value.retry = eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            self.state.value.retry = nil
            guard !self.state.value.isStopped else { return }
            self.connect()
        }
        onEvent(.disconnected(reason, retryIn: delay))
    }

    private func onLoop(_ body: @escaping @Sendable (PeerClient) -> Void) {
        if eventLoop.inEventLoop {
            body(self)
        } else {
            eventLoop.execute { body(self) }
        }
    }
}
