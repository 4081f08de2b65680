import RondoCore
import RondoNode
import RondoPeer
import RondoRing

/// The mapping between `ClusterNode`'s typed messages and the peer protocol's messages. Pure, so
/// that what the runtime sends is what the simulation carries.
extension NodeMessage {
    /// A data-plane message from another node; nil for anything a node does not take from a peer
    /// (forwarded requests are the runtime's own business, not the state machine's).
    init?(fromPeer message: PeerInboundMessage) {
        switch message {
        case .replicationBatch(let batch): self = .replication(batch)
        case .replicationAck(let ack): self = .replicationAck(ack)
        case .transferBatch(let batch): self = .transfer(batch)
        case .replicaHello(let hello): self = .replicaHello(vnode: hello.vnode, appliedThrough: hello.appliedThrough, epoch: hello.epoch)
        case .transferCountsNow(let counts): self = .transferCountsNow(vnode: counts.vnode, sequence: counts.sequence, bytes: counts.bytes)
        default: return nil
        }
    }

    /// A control-plane message from the coordinator; nil for anything else (its heartbeats only
    /// keep the session alive).
    init?(fromCoordinator message: PeerInboundMessage) {
        switch message {
        case .routingTableUpdate(let update):
            let directory = update.directory.map { entry in
                NodeMember(
                    memberID: MemberID(entry.memberID), nodeID: entry.nodeID, clientHost: entry.clientHost,
                    clientPort: entry.clientPort, peerHost: entry.peerHost, peerPort: entry.peerPort)
            }
            self = .table(
                NodeTableUpdate(
                    epoch: update.epoch, encodedTable: Array(update.table.readableBytesView), directory: directory,
                    activeFeatures: update.activeFeatures, finalizedVersion: update.finalizedVersion))
        case .transferOrder(let order):
            self = .transferOrder(
                NodeTransferOrder(
                    vnode: order.vnode, source: order.source, target: order.target, targetMemberID: MemberID(order.targetMemberID),
                    bytesPerSecond: order.bytesPerSecond, attempt: Int(order.attempt)))
        case .dropVnode(let drop): self = .drop(vnode: drop.vnode)
        default: return nil
        }
    }

    /// The wire form of a message to a peer node; nil for a message that never goes to one.
    var peerWireMessage: (any PeerMessage)? {
        switch self {
        case .replication(let batch): return batch
        case .replicationAck(let ack): return ack
        case .transfer(let batch): return batch
        case .replicaHello(let vnode, let appliedThrough, let epoch):
            return ReplicaHello(vnode: vnode, appliedThrough: appliedThrough, epoch: epoch)
        case .transferCountsNow(let vnode, let sequence, let bytes): return TransferCountsNow(vnode: vnode, sequence: sequence, bytes: bytes)
        default: return nil
        }
    }

    /// The wire form of a message to the coordinator; nil for the hello (the session's handshake
    /// carries it) and for anything that never goes to the coordinator. `heartbeatSequence`
    /// numbers heartbeats; `sender` is this node.
    func coordinatorWireMessage(heartbeatSequence: UInt64, sender: NodeID) -> (any PeerMessage)? {
        switch self {
        case .epochAcknowledged(let epoch): return EpochAcknowledged(epoch: epoch)
        case .heartbeat(let beat):
            return Heartbeat(
                sequence: heartbeatSequence, appliedSequences: beat.appliedSequences, vnodeBytes: beat.vnodeBytes,
                memoryLimitBytes: beat.memoryLimitBytes, memoryUsedBytes: beat.memoryUsedBytes,
                clientErrorsPerMillion: beat.clientErrorsPerMillion)
        case .transferCompleted(let vnode, let sequence, let bytes): return TransferCompleted(vnode: vnode, sequence: sequence, bytes: bytes)
        // A target reporting its own copy leaves `target` out (the sender is the target).
        case .transferFailed(let vnode, let target, let reason):
            return TransferFailed(vnode: vnode, reason: reason, target: target == sender ? nil : target)
        default: return nil
        }
    }
}
