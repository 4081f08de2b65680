import Logging
import NIOCore
import RondoPeer

/// The handlers of every peer connection, in order: frame decoder, frame encoder, the handshake
/// handler for `side`, and `PeerMessageHandler`, which reports to `onEvent`.
public enum PeerPipeline {
    /// Installs the handlers and returns the connection's handle. Call on the channel's event
    /// loop (a channel initializer).
    public static func configure(
        _ channel: any Channel,
        side: PeerHandshakeStateMachine.Side,
        protocolLimits: PeerProtocolLimits = .default,
        outboundLimits: PeerOutboundLimits = .default,
        handshakeTimeout: TimeAmount = PeerHandshakeHandler.handshakeTimeoutDefault,
        logger: Logger,
        onEvent: @escaping @Sendable (PeerConnection, PeerChannelEvent) -> Void
    ) throws -> PeerConnection {
        let connection = PeerConnection(
            channel: channel, limits: outboundLimits, frameBytesMax: protocolLimits.frameBytesMax, logger: logger)
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(PeerFrameDecoder(limits: protocolLimits)))
        let encoder = MessageToByteHandler(PeerFrameEncoder(limits: protocolLimits))
        try pipeline.addHandler(encoder)
        // The connection writes frames it encoded itself from here, past the encoder.
        connection.attachEncodedWriter(try pipeline.context(handler: encoder))
        try pipeline.addHandler(PeerHandshakeHandler(side: side, limits: protocolLimits, handshakeTimeout: handshakeTimeout))
        try pipeline.addHandler(PeerMessageHandler(connection: connection, logger: logger, onEvent: onEvent))
        return connection
    }
}
