import RondoCore

/// The first frame on every connection, sent by the side that connected.
public struct Hello: PeerMessage {
    public static let messageType = PeerMessageType.hello
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let clusterName: UInt16 = 1
        public static let nodeID: UInt16 = 2
        public static let role: UInt16 = 3
        public static let softwareVersion: UInt16 = 4
        public static let protocolVersions: UInt16 = 5
        /// Repeated, one per feature.
        public static let feature: UInt16 = 6
        public static let advertisedHost: UInt16 = 7
        public static let clientPort: UInt16 = 8
        public static let peerPort: UInt16 = 9
        /// bool, absent = false: a restarted node process that holds no copy of any vnode.
        public static let holdsNoData: UInt16 = 10
        /// u64: the epoch of the newest routing table the node holds (a restarted coordinator
        /// republishes above the highest one reported).
        public static let tableEpoch: UInt16 = 11
    }

    public var clusterName: String
    public var nodeID: NodeID
    public var role: PeerRole
    public var build: BuildInfo
    /// Where other nodes and clients reach this one; nil for participants that do not listen
    /// (ctl sessions, or a host the acceptor should take from the connection's remote address).
    public var advertisedHost: String?
    public var clientPort: UInt16?
    public var peerPort: UInt16?
    /// The node is a new process without data; the coordinator must not trust it with copies.
    public var holdsNoData: Bool
    /// The newest routing table's epoch the sender holds; nil when it holds none.
    public var tableEpoch: UInt64?

    public init(
        clusterName: String, nodeID: NodeID, role: PeerRole, build: BuildInfo,
        advertisedHost: String? = nil, clientPort: UInt16? = nil, peerPort: UInt16? = nil,
        holdsNoData: Bool = false, tableEpoch: UInt64? = nil
    ) {
        self.clusterName = clusterName
        self.nodeID = nodeID
        self.role = role
        self.build = build
        self.advertisedHost = advertisedHost
        self.clientPort = clientPort
        self.peerPort = peerPort
        self.holdsNoData = holdsNoData
        self.tableEpoch = tableEpoch
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.string(Tag.clusterName, clusterName)
        writer.string(Tag.nodeID, nodeID.rawValue)
        writer.integer(Tag.role, role.rawValue)
        writer.softwareVersion(Tag.softwareVersion, build.softwareVersion)
        writer.protocolVersions(Tag.protocolVersions, build.protocolVersions)
        writer.features(Tag.feature, build.features)
        if let advertisedHost { writer.string(Tag.advertisedHost, advertisedHost) }
        if let clientPort { writer.integer(Tag.clientPort, clientPort) }
        if let peerPort { writer.integer(Tag.peerPort, peerPort) }
        if holdsNoData { writer.bool(Tag.holdsNoData, true) }
        if let tableEpoch { writer.integer(Tag.tableEpoch, tableEpoch) }
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        clusterName = try reader.string(Tag.clusterName, bytesMax: PeerProtocolLimits.clusterNameBytesMax)
        nodeID = try reader.nodeID(Tag.nodeID)
        let rawRole = try reader.integer(Tag.role, as: UInt8.self)
        guard let role = PeerRole(rawValue: rawRole) else {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.role, reason: "unknown role \(rawRole)")
        }
        self.role = role
        build = BuildInfo(
            softwareVersion: try reader.softwareVersion(Tag.softwareVersion),
            protocolVersions: try reader.protocolVersions(Tag.protocolVersions),
            features: try reader.features(Tag.feature)
        )
        advertisedHost = try reader.optionalString(Tag.advertisedHost, bytesMax: PeerProtocolLimits.hostBytesMax)
        clientPort = try reader.optionalInteger(Tag.clientPort)
        peerPort = try reader.optionalInteger(Tag.peerPort)
        holdsNoData = try reader.flag(Tag.holdsNoData)
        tableEpoch = try reader.optionalInteger(Tag.tableEpoch)
    }
}
