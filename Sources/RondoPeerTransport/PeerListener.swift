import Logging
import NIOCore
import NIOPosix
import RondoPeer

/// Accepts peer connections on host:port (port 0 picks a free one: see `port`), runs the
/// accepting side of the handshake, and reports every connection's events to `onEvent` on that
/// connection's event loop.
public final class PeerListener: Sendable {
    public let localAddress: SocketAddress
    private let serverChannel: any Channel

    /// The bound port.
    public var port: Int { localAddress.port ?? 0 }

    private init(serverChannel: any Channel) {
        self.serverChannel = serverChannel
        self.localAddress = serverChannel.localAddress!
    }

    public static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        admission: PeerListenerAdmission,
        protocolLimits: PeerProtocolLimits = .default,
        outboundLimits: PeerOutboundLimits = .default,
        handshakeTimeout: TimeAmount = PeerPipeline.handshakeTimeoutDefault,
        logger: Logger,
        onEvent: @escaping @Sendable (PeerConnection, PeerChannelEvent) -> Void
    ) async throws -> PeerListener {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let side: PeerHandshakeStateMachine.Side
                    switch admission {
                    case .policy(let policy): side = .accepting(policy())
                    case .decidedByOwner: side = .admitting
                    }
                    _ = try PeerPipeline.configure(
                        channel, side: side, protocolLimits: protocolLimits, outboundLimits: outboundLimits,
                        handshakeTimeout: handshakeTimeout, logger: logger, onEvent: onEvent)
                }
            }
            .bind(host: host, port: port).get()
        return PeerListener(serverChannel: channel)
    }

    /// Stops accepting. Connections already accepted stay open; their owner closes them.
    public func close() async {
        try? await serverChannel.close()
    }
}
