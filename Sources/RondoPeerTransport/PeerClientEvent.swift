import NIOCore
import RondoPeer

/// What a `PeerClient` reports to its owner, on the client's event loop. The once-per-connection
/// cases are `indirect`, as in `PeerChannelEvent`, so a message event stays message-sized.
public enum PeerClientEvent: Sendable {
    /// The handshake completed; messages sent from now on go out on this connection.
    indirect case connected(PeerSession)
    case message(PeerInboundMessage)
    /// The connection ended or an attempt failed; the next attempt starts after `retryIn`.
    /// Messages queued or in flight on it are gone: resynchronize after the next `.connected`.
    indirect case disconnected(PeerDisconnectReason, retryIn: TimeAmount)
}
