import RondoCore
import RondoPeer

/// Everything a node sends or receives about the cluster, typed: the data plane between nodes
/// and the control plane between a node and the coordinator. The runtime maps each case to the
/// peer protocol; the simulation carries them as they are.
public enum NodeMessage: Sendable {
    // MARK: Data plane, node <-> node

    case replication(ReplicationBatch)
    case replicationAck(ReplicationAck)
    case transfer(TransferBatch)
    /// A replica's applied sequence to a new primary of the vnode (the first ack the primary takes
    /// as the truth), with the epoch of the table that made it primary: a node that has not
    /// installed that table yet keeps the message until it has. Epoch 0: a transfer target's
    /// snapshot ack, which needs no table.
    case replicaHello(vnode: Int, appliedThrough: UInt64, epoch: UInt64)
    /// The primary counts the transfer target from now on: the target reports the transfer
    /// complete, on its own connection, so a report never outlives the incarnation it speaks of.
    case transferCountsNow(vnode: Int, sequence: UInt64, bytes: UInt64)

    // MARK: Coordinator -> node

    case helloAnswer(accepted: Bool, startEmpty: Bool)
    case table(NodeTableUpdate)
    case transferOrder(NodeTransferOrder)
    case drop(vnode: Int)

    // MARK: Node -> coordinator

    /// `holdsNoData`: a process no coordinator admitted yet (it lost whatever the member held).
    /// `tableEpoch`: the newest table it installed (a restarted coordinator resumes above it).
    case hello(holdsNoData: Bool, tableEpoch: UInt64?)
    case epochAcknowledged(UInt64)
    case heartbeat(NodeHeartbeat)
    case transferCompleted(vnode: Int, sequence: UInt64, bytes: UInt64)
    /// A copy to `target` failed: sent by the target, or by the source for a copy it refused.
    case transferFailed(vnode: Int, target: NodeID, reason: String)
}
