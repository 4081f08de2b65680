import RondoPeer

/// How a `PeerListener` answers each `Hello`.
public enum PeerListenerAdmission: Sendable {
    /// By `HandshakePolicy`, asked per connection for the current policy (membership changes).
    /// Nodes admit peers of their cluster this way.
    case policy(@Sendable () -> HandshakePolicy)
    /// The owner decides: it receives `.admissionRequested` and answers with
    /// `PeerConnection.admit` before the handshake timeout. The coordinator admits this way.
    case decidedByOwner
}
