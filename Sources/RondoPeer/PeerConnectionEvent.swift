/// User inbound events `PeerHandshakeHandler` fires for the handlers after it.
public enum PeerConnectionEvent: Sendable, Equatable {
    /// The handshake completed; messages follow as `PeerInboundMessage`s.
    case established(PeerSession)
    /// Accepting side with owner-decided admission: answer this `Hello` by triggering a user
    /// outbound event carrying a `PeerAdmissionAnswer` on the channel.
    case admissionRequested(Hello)
    /// The connection is about to close, and why: the one line the server glue logs per close.
    case closing(PeerCloseReason)
}
