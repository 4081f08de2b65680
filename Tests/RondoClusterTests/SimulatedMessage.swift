import RondoCluster
import RondoPeer

/// A message between the simulated nodes of one vnode (over RondoSimulation's `SeededNetwork`).
enum SimulatedMessage {
    case replication(ReplicationBatch)
    case ack(ReplicationAck)
    case transfer(TransferBatch)
}
