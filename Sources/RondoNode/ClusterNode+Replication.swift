import RondoCluster
import RondoCore
import RondoPeer

/// Replication between nodes: batches from primaries to replicas, acks back, and the primaries'
/// actions turned into effects.
extension ClusterNode {
    func receiveReplication(_ batch: ReplicationBatch, from sender: NodeID, now: ClusterInstant) {
        let entries: [ReplicationEntry]
        do {
            entries = try batch.decodedEntries()
        } catch {
            emit(.incident(.replicationUndecodable(from: sender, reason: "\(error)")))
            return
        }
        let vnode = Int(batch.vnode)
        let actions: [ReplicaAction]
        // Mutated in place, so the copy's own storage is never duplicated.
        if incoming[vnode] != nil {
            actions = incoming[vnode]!.receive(entries)
        } else if appliers.keys.contains(vnode) {
            actions = appliers[vnode]!.receive(entries)
        } else {
            // No copy here (not yet filled, or dropped): nothing to apply, nothing to ack.
            return
        }
        performReplica(actions, primary: sender)
    }

    func performReplica(_ actions: [ReplicaAction], primary: NodeID) {
        for action in actions {
            switch action {
            case .applyFailed(let vnode, let sequence, let outcome):
                emit(.incident(.applyFailed(vnode: vnode, sequence: sequence, reason: "\(outcome)")))
            case .caughtUp(let vnode, _):
                finishIncomingTransfer(vnode: vnode)
            case .acknowledge, .requestCatchUp:
                if let ack = action.replicationAck { emit(.sendToPeer(primary, .replicationAck(ack))) }
            }
        }
    }

    func receiveAck(_ ack: ReplicationAck, from sender: NodeID, now: ClusterInstant, isSnapshotAck: Bool = false) {
        let vnode = Int(ack.vnode)
        guard primaries.keys.contains(vnode), let member = memberIDs[sender] else { return }
        let actions = primaries[vnode]!.receiveAck(
            from: member, through: ack.acknowledgedSequence, now: now, isSnapshotAck: isSnapshotAck)
        performPrimary(actions, now: now)
    }

    func performPrimary(_ actions: [PrimaryAction], now: ClusterInstant) {
        for action in actions {
            switch action {
            case .send(let batch, let member):
                guard let target = node(of: member) else { continue }
                emit(.sendToPeer(target, .replication(batch)))
            case .completeWrite(let id, _):
                emit(.completeWrite(id))
            case .failWrite(let id, let error):
                emit(.failWrite(id, error))
            case .transferTargetCaughtUp(let vnode, let member, let sequence):
                reportTransferCompleted(vnode: vnode, member: member, sequence: sequence)
            case .replicaLagging:
                // The coordinator judges liveness from heartbeats; nothing to do here.
                break
            case .rebuildRequired(let vnode, let member):
                emit(.rebuildRequested(vnode: vnode, member: member))
                startRebuild(of: vnode, to: member, now: now)
            }
        }
    }

    /// Timers of the primaries: resend, report, time writes out, and flush.
    ///
    /// Runs every 10 ms over every primary (~340 per node in a 3-node, 1024-vnode cluster), nearly
    /// all settled, so the pass itself must be cheap: each replicator is ticked where it lies in
    /// the dictionary (through the values' index; `primaries[vnode]?.tick` moves the whole struct
    /// out and back), in storage order without sorting, and only the primaries that have actions
    /// are then performed, in vnode order. Performing one primary's actions touches only its own
    /// vnode, so ticking them all first changes nothing but the cost.
    func tickPrimaries(now: ClusterInstant) {
        primariesWrittenSinceFlush.removeAll(keepingCapacity: true)
        var acting: [(vnode: Int, actions: [PrimaryAction])] = []
        var index = primaries.values.startIndex
        while index != primaries.values.endIndex {
            let actions = primaries.values[index].tick(now: now)
            if !actions.isEmpty { acting.append((vnode: primaries.keys[index], actions: actions)) }
            primaries.values.formIndex(after: &index)
        }
        acting.sort { $0.vnode < $1.vnode }
        for (_, actions) in acting { performPrimary(actions, now: now) }
    }

    /// Sends what the primaries written since the last flush or tick have not sent yet: the
    /// runtime calls it after a burst of writes (a read of the client connection) instead of
    /// waiting for the next `tick`. Only those primaries have new entries (an ack sends what its
    /// window allows by itself, and `tick` flushes every primary), so the other vnodes are not
    /// visited on every burst.
    public func flushReplication(now: ClusterInstant) -> [NodeEffect] {
        let written = primariesWrittenSinceFlush.sorted()
        primariesWrittenSinceFlush.removeAll(keepingCapacity: true)
        for vnode in written {
            guard let actions = primaries[vnode]?.flush(now: now) else { continue }
            performPrimary(actions, now: now)
        }
        return drainEffects()
    }

    /// A new connection to a peer is up: for every vnode this node holds as a replica and whose
    /// primary (by this node's table) is that peer, it says what it holds. The primary, which reset
    /// what it knew of this replica when the old connection went (`peerConnectionReset` on its
    /// side), sends nothing to it until this first ack arrives.
    public func peerConnected(_ peer: NodeID, now: ClusterInstant) -> [NodeEffect] {
        guard let table, let member = memberIDs[peer] else { return [] }
        for vnode in appliers.keys.sorted() where table.primary(of: vnode) == member {
            emit(.sendToPeer(peer, .replicaHello(vnode: vnode, appliedThrough: appliers[vnode]!.appliedThrough, epoch: table.epoch)))
        }
        return drainEffects()
    }

    /// A peer's connections closed (it crashed or the link broke): its transfers are over and
    /// what the primaries knew of it must be relearned from its next `replicaHello` or ack.
    public func peerConnectionReset(_ peer: NodeID, now: ClusterInstant) -> [NodeEffect] {
        guard let member = memberIDs[peer] else { return [] }
        for vnode in primaries.keys.sorted() { primaries[vnode]!.connectionReset(member) }
        for key in outgoing.keys.sorted(by: { $0.vnode < $1.vnode }) where outgoing[key]!.targetNode == peer {
            outgoing[key] = nil
            startScheduled(scheduler.finished(key), now: now)
        }
        return drainEffects()
    }
}
