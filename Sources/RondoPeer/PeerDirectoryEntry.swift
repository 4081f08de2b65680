import RondoCore

/// One member of a pushed routing table: the number the table uses for it, its name, and where
/// clients and peers reach it. Carried in `RoutingTableUpdate` so a node can turn a member number
/// into a connection.
public struct PeerDirectoryEntry: Sendable, Hashable {
    public enum Tag {
        public static let memberID: UInt16 = 1
        public static let nodeID: UInt16 = 2
        public static let clientHost: UInt16 = 3
        public static let clientPort: UInt16 = 4
        public static let peerHost: UInt16 = 5
        public static let peerPort: UInt16 = 6
    }

    public var memberID: UInt32
    public var nodeID: NodeID
    public var clientHost: String
    public var clientPort: UInt16
    public var peerHost: String
    public var peerPort: UInt16

    public init(memberID: UInt32, nodeID: NodeID, clientHost: String, clientPort: UInt16, peerHost: String, peerPort: UInt16) {
        self.memberID = memberID
        self.nodeID = nodeID
        self.clientHost = clientHost
        self.clientPort = clientPort
        self.peerHost = peerHost
        self.peerPort = peerPort
    }

    func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.memberID, memberID)
        writer.string(Tag.nodeID, nodeID.rawValue)
        writer.string(Tag.clientHost, clientHost)
        writer.integer(Tag.clientPort, clientPort)
        writer.string(Tag.peerHost, peerHost)
        writer.integer(Tag.peerPort, peerPort)
    }

    init(reading reader: PeerFieldReader) throws(PeerProtocolError) {
        memberID = try reader.integer(Tag.memberID)
        nodeID = try reader.nodeID(Tag.nodeID)
        clientHost = try reader.string(Tag.clientHost, bytesMax: PeerProtocolLimits.hostBytesMax)
        clientPort = try reader.integer(Tag.clientPort)
        peerHost = try reader.string(Tag.peerHost, bytesMax: PeerProtocolLimits.hostBytesMax)
        peerPort = try reader.integer(Tag.peerPort)
    }
}
