import RondoCore

/// What an established connection agreed on and who is on the other end.
public struct PeerSession: Sendable, Hashable {
    /// Every frame after the handshake is in this protocol version.
    public var protocolVersion: UInt16
    /// Features both sides offer; a sender uses a feature on this connection only if it is here.
    /// Cluster-wide behaviour follows `ActiveVersion` instead.
    public var features: Set<FeatureName>
    public var peerNodeID: NodeID
    public var peerSoftwareVersion: SemanticVersion
    /// Accepting side: the peer's `Hello` (role, advertised addresses). Nil on the connecting side.
    public var peerHello: Hello?
    /// Connecting side: the acceptor's view of the cluster. Nil on the accepting side.
    public var acceptance: HelloAccepted?

    public init(
        protocolVersion: UInt16, features: Set<FeatureName>, peerNodeID: NodeID, peerSoftwareVersion: SemanticVersion,
        peerHello: Hello? = nil, acceptance: HelloAccepted? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.features = features
        self.peerNodeID = peerNodeID
        self.peerSoftwareVersion = peerSoftwareVersion
        self.peerHello = peerHello
        self.acceptance = acceptance
    }
}
