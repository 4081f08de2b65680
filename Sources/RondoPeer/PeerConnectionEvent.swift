/// User inbound events `PeerHandshakeHandler` fires for the handlers after it.
public enum PeerConnectionEvent: Sendable, Equatable {
    /// The handshake completed; messages follow as `PeerInboundMessage`s.
    case established(PeerSession)
    /// The connection is about to close, and why: the one line the server glue logs per close.
    case closing(PeerCloseReason)
}
