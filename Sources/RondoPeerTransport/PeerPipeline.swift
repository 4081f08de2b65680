import Logging
import NIOCore
import RondoPeer

/// The handlers of every peer connection, in order: the frame encoder (for the handshake's own
/// frames; `PeerConnection` writes frames it encoded itself past it) and `PeerInboundHandler`,
/// which decodes, runs the handshake for `side` and reports to `onEvent`.
public enum PeerPipeline {
    public static let handshakeTimeoutDefault = TimeAmount.seconds(10)

    /// Installs the handlers and returns the connection's handle. Call on the channel's event
    /// loop (a channel initializer).
    public static func configure(
        _ channel: any Channel,
        side: PeerHandshakeStateMachine.Side,
        protocolLimits: PeerProtocolLimits = .default,
        outboundLimits: PeerOutboundLimits = .default,
        handshakeTimeout: TimeAmount = handshakeTimeoutDefault,
        logger: Logger,
        onEvent: @escaping @Sendable (PeerConnection, PeerChannelEvent) -> Void
    ) throws -> PeerConnection {
        let connection = PeerConnection(
            channel: channel, limits: outboundLimits, frameBytesMax: protocolLimits.frameBytesMax, logger: logger)
        let pipeline = channel.pipeline.syncOperations
        let encoder = MessageToByteHandler(PeerFrameEncoder(limits: protocolLimits))
        try pipeline.addHandler(encoder)
        // The connection writes frames it encoded itself from here, past the encoder.
        connection.attachEncodedWriter(try pipeline.context(handler: encoder))
        try pipeline.addHandler(
            PeerInboundHandler(
                connection: connection, side: side, protocolLimits: protocolLimits, handshakeTimeout: handshakeTimeout,
                logger: logger, onEvent: onEvent))
        return connection
    }
}
