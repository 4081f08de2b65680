import Logging
import NIOCore
import RondoPeer

/// The last handler of a peer pipeline: turns what `PeerHandshakeHandler` passes on (typed
/// messages and connection events) into `PeerChannelEvent`s for the connection's owner, and logs
/// every close reason once. Unknown message types never get here (the handshake state machine
/// drops or answers them); malformed frames close the connection with their reason.
final class PeerMessageHandler: ChannelInboundHandler {
    typealias InboundIn = PeerInboundMessage

    private let connection: PeerConnection
    private let logger: Logger
    private let onEvent: @Sendable (PeerConnection, PeerChannelEvent) -> Void
    private var closeReason: PeerCloseReason?
    private var ioError: (any Error)?
    private var isClosed = false

    init(connection: PeerConnection, logger: Logger, onEvent: @escaping @Sendable (PeerConnection, PeerChannelEvent) -> Void) {
        self.connection = connection
        self.logger = logger
        self.onEvent = onEvent
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onEvent(connection, .message(unwrapInboundIn(data)))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? PeerConnectionEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch event {
        case .admissionRequested(let hello):
            onEvent(connection, .admissionRequested(hello))
        case .established(let session):
            connection.establishedOnLoop(session)
            onEvent(connection, .established(session))
        case .closing(let reason):
            closeReason = reason
            logger.info("closing peer connection", metadata: ["connection": "\(connection)", "reason": "\(reason)"])
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Protocol errors were turned into a close by the handshake handler; what reaches us is
        // a socket error (reset, refused write) or a frame we could not encode.
        ioError = error
        logger.info("peer connection error", metadata: ["connection": "\(connection)", "error": "\(error)"])
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        guard !isClosed else { return }
        isClosed = true
        let reason: PeerDisconnectReason
        if let overflow = connection.overflowReason {
            reason = overflow
        } else if let closeReason {
            reason = .protocolClose(closeReason)
        } else if let ioError {
            reason = .ioError("\(ioError)")
        } else {
            reason = .connectionClosed
        }
        connection.closedOnLoop()
        onEvent(connection, .closed(reason))
        context.fireChannelInactive()
    }
}
