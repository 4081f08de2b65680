import RondoCluster
import RondoPeer

/// A message between the simulated nodes of one vnode (over RondoSimulation's `SeededNetwork`).
enum SimulatedMessage {
    case replication(ReplicationBatch)
    case ack(ReplicationAck)
    /// A transfer target's ack of its snapshot (on the wire: a replica hello of epoch 0).
    case snapshotAck(ReplicationAck)
    case transfer(TransferBatch)
}
