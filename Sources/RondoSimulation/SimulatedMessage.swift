import RondoCore
import RondoNode

/// Everything that crosses the simulated network: the nodes' and the coordinator's
/// `NodeMessage`s, and the simulation's own client requests between nodes. Replication batches
/// and their acks are datagram-like (lost, duplicated, reordered, as a lossy path would make them
/// look to the state machines, which must cope anyway); every other message rides an ordered
/// reliable stream per connection, like TCP, and is lost only when the connection breaks.
enum SimulatedMessage {
    case node(NodeMessage)
    /// A client request the entry node forwards to the vnode's primary.
    case forwarded(ClientRequest)
    /// The primary's answer, back to the entry node.
    case reply(requestID: UInt64, ClientReply)

    /// Messages that change what a node holds or serves: a quiet cluster has none in flight.
    var isClusterChange: Bool {
        guard case .node(let message) = self else { return false }
        switch message {
        case .table, .drop, .transferOrder, .transfer, .transferCountsNow, .transferCompleted, .replicaHello: return true
        default: return false
        }
    }

    /// Lossy messages: everything else is a stream message.
    var isDatagram: Bool {
        guard case .node(let message) = self else { return false }
        switch message {
        case .replication, .replicationAck: return true
        default: return false
        }
    }
}
