import NIOCore
import RondoCluster
import RondoCore
import RondoPeer
import RondoRing

/// Replication between nodes: batches from primaries to replicas (through the peer codec, as on
/// the wire), acks back, and the primary's actions performed.
extension SimulatedCluster {
    func receiveReplication(_ batch: ReplicationBatch, at node: SimulatedNode, from sender: NodeID) {
        let entries: [ReplicationEntry]
        do {
            entries = try ReplicationBatch(decoding: batch.frame()).decodedEntries()
        } catch {
            violation("\(node.nodeID): a replication batch from \(sender) did not decode: \(error)")
            return
        }
        let vnode = Int(batch.vnode)
        let actions: [ReplicaAction]
        if var incoming = node.incoming[vnode] {
            actions = incoming.target.receive(entries)
            node.incoming[vnode] = incoming
        } else if var applier = node.appliers[vnode] {
            actions = applier.receive(entries)
            node.appliers[vnode] = applier
        } else {
            // No copy here (not yet filled, or dropped): nothing to apply, nothing to ack.
            return
        }
        performReplica(actions, at: node, primary: sender)
    }

    func performReplica(_ actions: [ReplicaAction], at node: SimulatedNode, primary: NodeID) {
        for action in actions {
            switch action {
            case .applyFailed(let vnode, let sequence, let outcome):
                violation("\(node.nodeID) could not apply vnode \(vnode) entry \(sequence): \(outcome)")
            case .caughtUp(let vnode, let sequence):
                finishIncomingTransfer(vnode: vnode, sequence: sequence, at: node)
            case .acknowledge, .requestCatchUp:
                if let ack = action.replicationAck { send(.replicationAck(ack), from: node.nodeID, to: primary) }
            }
        }
    }

    func receiveAck(_ ack: ReplicationAck, at node: SimulatedNode, from sender: NodeID) {
        let vnode = Int(ack.vnode)
        guard var primary = node.primaries[vnode], let member = node.memberIDs[sender] else { return }
        let actions = primary.receiveAck(from: member, through: ack.acknowledgedSequence, now: clusterNow)
        node.primaries[vnode] = primary
        performPrimary(actions, at: node)
    }

    func performPrimary(_ actions: [PrimaryAction], at node: SimulatedNode) {
        for action in actions {
            switch action {
            case .send(let batch, let member):
                guard let target = node.directory[member] ?? node.memberIDs.first(where: { $0.value == member })?.key else { continue }
                send(.replication(batch), from: node.nodeID, to: target)
            case .completeWrite(let id, _):
                guard let write = node.pendingWrites.removeValue(forKey: id) else { continue }
                answer(write.requestID, write.reply, from: node, to: write.entryNode)
            case .failWrite(let id, let error):
                guard let write = node.pendingWrites.removeValue(forKey: id) else { continue }
                answer(write.requestID, .failed("\(error)"), from: node, to: write.entryNode)
            case .transferTargetCaughtUp(let vnode, let member, let sequence):
                reportTransferCompleted(vnode: vnode, member: member, sequence: sequence, at: node)
            case .replicaLagging:
                break
            case .rebuildRequired(let vnode, let member):
                counters.rebuildRequests += 1
                startRebuild(of: vnode, to: member, at: node)
            }
        }
    }

    /// Timers of the primaries on a node: resend, report, time writes out, and flush.
    func tickPrimaries(of node: SimulatedNode) {
        for vnode in node.primaries.keys.sorted() {
            guard var primary = node.primaries[vnode] else { continue }
            let actions = primary.tick(now: clusterNow)
            node.primaries[vnode] = primary
            performPrimary(actions, at: node)
        }
    }
}
