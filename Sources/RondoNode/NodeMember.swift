import RondoCore
import RondoRing

/// One member of an installed table, as the node needs it: its number, its name, and where its
/// clients and peers reach it. The node-side twin of the coordinator's directory entry, so that
/// the node does not depend on the coordinator's module.
public struct NodeMember: Sendable, Hashable {
    public var memberID: MemberID
    public var nodeID: NodeID
    public var clientHost: String
    public var clientPort: UInt16
    public var peerHost: String
    public var peerPort: UInt16

    public init(memberID: MemberID, nodeID: NodeID, clientHost: String, clientPort: UInt16, peerHost: String, peerPort: UInt16) {
        self.memberID = memberID
        self.nodeID = nodeID
        self.clientHost = clientHost
        self.clientPort = clientPort
        self.peerHost = peerHost
        self.peerPort = peerPort
    }
}
