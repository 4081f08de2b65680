/// What an acceptor does with a `Hello`.
public enum HandshakeDecision: Sendable, Hashable {
    /// Use `protocolVersion` (the highest both sides speak) and `commonFeatures` (offered by both)
    /// on this connection.
    case accept(protocolVersion: UInt16, commonFeatures: Set<FeatureName>)
    case refuse(HandshakeRefusal)
}
