import RondoPeer

/// What happens on one peer connection, in order, as `PeerInboundHandler` reports it. Always
/// delivered on the connection's event loop.
public enum PeerChannelEvent: Sendable {
    /// Accepting side with owner-decided admission: answer with `PeerConnection.admit`.
    case admissionRequested(Hello)
    /// The handshake completed; the connection may send.
    case established(PeerSession)
    case message(PeerInboundMessage)
    /// The connection closed (last event). `reason` is nil when it simply ended.
    case closed(PeerDisconnectReason)
}
