import RondoPeer

/// What happens on one peer connection, in order, as `PeerInboundHandler` reports it. Always
/// delivered on the connection's event loop.
///
/// The once-per-connection cases are `indirect` so that the event, passed per received message,
/// is the size of a message rather than of a `PeerSession` (~270 bytes copied per frame).
public enum PeerChannelEvent: Sendable {
    /// Accepting side with owner-decided admission: answer with `PeerConnection.admit`.
    indirect case admissionRequested(Hello)
    /// The handshake completed; the connection may send.
    indirect case established(PeerSession)
    case message(PeerInboundMessage)
    /// The connection closed (last event). `reason` is nil when it simply ended.
    indirect case closed(PeerDisconnectReason)
}
