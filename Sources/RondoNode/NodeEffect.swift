import RondoCluster
import RondoCore
import RondoRing

/// What `ClusterNode` asks its owner to do, in order.
public enum NodeEffect: Sendable {
    case sendToPeer(NodeID, NodeMessage)
    case sendToCoordinator(NodeMessage)
    /// The write is durable per the write-ack policy: answer the client.
    case completeWrite(WriteID)
    /// Answer the client `SERVER_ERROR`; the write stays applied on this node.
    case failWrite(WriteID, ReplicationError)
    /// A table became the node's table (after the roles it gives were applied).
    case tableInstalled(epoch: UInt64)
    /// A replica's copy cannot be trusted; the primary copies the vnode to it again.
    case rebuildRequested(vnode: Int, member: MemberID)
    case incident(NodeIncident)
}
