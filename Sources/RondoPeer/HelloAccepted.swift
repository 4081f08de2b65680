import RondoCore

/// The acceptor's answer to a `Hello` it takes: what this connection uses, and what the acceptor
/// knows of the cluster's version state, so a joining node learns the active version and whether
/// the cluster is finalized without another round trip.
public struct HelloAccepted: PeerMessage {
    public static let messageType = PeerMessageType.helloAccepted
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let protocolVersion: UInt16 = 1
        /// Repeated: the features both sides of this connection offer.
        public static let connectionFeature: UInt16 = 2
        public static let acceptorNodeID: UInt16 = 3
        public static let acceptorSoftwareVersion: UInt16 = 4
        public static let activeProtocolVersion: UInt16 = 5
        /// Repeated: the cluster's active features.
        public static let activeFeature: UInt16 = 6
        /// Absent while the cluster is not finalized.
        public static let finalizedVersion: UInt16 = 7
        /// bool, absent = false: the coordinator tells a node it declared down (or that left) to
        /// discard every vnode it holds before taking part.
        public static let startEmpty: UInt16 = 8
    }

    /// The highest version both sides speak; every later frame on the connection uses it.
    public var protocolVersion: UInt16
    public var connectionFeatures: Set<FeatureName>
    public var acceptorNodeID: NodeID
    public var acceptorSoftwareVersion: SemanticVersion
    public var clusterActiveVersion: ActiveVersion
    public var clusterFinalizedVersion: SemanticVersion?
    /// Only the coordinator sets it: the node's data is not trusted; it starts empty.
    public var startEmpty: Bool

    public init(
        protocolVersion: UInt16, connectionFeatures: Set<FeatureName>, acceptorNodeID: NodeID,
        acceptorSoftwareVersion: SemanticVersion, clusterActiveVersion: ActiveVersion,
        clusterFinalizedVersion: SemanticVersion?, startEmpty: Bool = false
    ) {
        self.protocolVersion = protocolVersion
        self.connectionFeatures = connectionFeatures
        self.acceptorNodeID = acceptorNodeID
        self.acceptorSoftwareVersion = acceptorSoftwareVersion
        self.clusterActiveVersion = clusterActiveVersion
        self.clusterFinalizedVersion = clusterFinalizedVersion
        self.startEmpty = startEmpty
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.protocolVersion, protocolVersion)
        writer.features(Tag.connectionFeature, connectionFeatures)
        writer.string(Tag.acceptorNodeID, acceptorNodeID.rawValue)
        writer.softwareVersion(Tag.acceptorSoftwareVersion, acceptorSoftwareVersion)
        writer.integer(Tag.activeProtocolVersion, clusterActiveVersion.protocolVersion)
        writer.features(Tag.activeFeature, clusterActiveVersion.features)
        if let clusterFinalizedVersion { writer.softwareVersion(Tag.finalizedVersion, clusterFinalizedVersion) }
        if startEmpty { writer.bool(Tag.startEmpty, true) }
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        protocolVersion = try reader.integer(Tag.protocolVersion)
        connectionFeatures = try reader.features(Tag.connectionFeature)
        acceptorNodeID = try reader.nodeID(Tag.acceptorNodeID)
        acceptorSoftwareVersion = try reader.softwareVersion(Tag.acceptorSoftwareVersion)
        clusterActiveVersion = ActiveVersion(
            protocolVersion: try reader.integer(Tag.activeProtocolVersion),
            features: try reader.features(Tag.activeFeature)
        )
        clusterFinalizedVersion = try reader.optionalSoftwareVersion(Tag.finalizedVersion)
        startEmpty = try reader.flag(Tag.startEmpty)
    }
}
