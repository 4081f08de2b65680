import RondoCluster
import RondoCoordinator
import RondoCore
import RondoPeer

/// Everything that crosses the simulated network. Replication batches and their acks are
/// datagram-like (lost, duplicated, reordered, as a lossy path would make them look to the state
/// machines, which must cope anyway); every other message rides an ordered reliable stream per
/// connection, like TCP, and is lost only when the connection breaks.
enum SimulatedMessage {
    // Data plane between nodes.
    case replication(ReplicationBatch)
    case replicationAck(ReplicationAck)
    case transfer(TransferBatch)
    /// A replica's applied sequence to a new primary of the vnode (the first ack the primary takes
    /// as the truth), with the epoch of the table that made it primary: a node that has not
    /// installed that table yet keeps the message until it has.
    case replicaHello(vnode: Int, appliedThrough: UInt64, epoch: UInt64)
    /// The primary counts the transfer target from now on (`.transferTargetCaughtUp`): the target
    /// reports its transfer complete. Through the target, on its connections, so that a report
    /// never outlives the incarnation it speaks of (a crash breaks the streams).
    case transferCountsNow(vnode: Int, sequence: UInt64, bytes: UInt64)
    /// A client request the entry node forwards to the vnode's primary.
    case forwarded(ClientRequest)
    /// The primary's answer, back to the entry node.
    case reply(requestID: UInt64, ClientReply)

    // Control plane between a node and the coordinator.
    case hello
    case helloAnswer(accepted: Bool, startEmpty: Bool)
    case table(TablePush)
    case transferOrder(TransferOrder)
    case drop(vnode: Int)
    case epochAcknowledged(UInt64)
    case heartbeat(appliedSequences: [Int: UInt64])
    case transferCompleted(vnode: Int, sequence: UInt64, bytes: UInt64)
    case transferFailed(vnode: Int, reason: String)

    /// Messages that change what a node holds or serves: a quiet cluster has none in flight.
    var isClusterChange: Bool {
        switch self {
        case .table, .drop, .transferOrder, .transfer, .transferCountsNow, .transferCompleted, .replicaHello: return true
        default: return false
        }
    }

    /// Lossy messages: everything else is a stream message.
    var isDatagram: Bool {
        switch self {
        case .replication, .replicationAck: return true
        default: return false
        }
    }
}
