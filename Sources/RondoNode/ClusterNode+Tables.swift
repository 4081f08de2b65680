import RondoCluster
import RondoCore
import RondoPeer
import RondoRing

/// Installing a pushed routing table. Roles follow the table: a new primary starts its
/// replicator at the sequence it holds and waits for each secondary's applied sequence; a
/// demoted primary resigns (its pending writes fail) and keeps its copy as a replica; a secondary
/// tells a new primary what it holds. Every install is acknowledged to the coordinator.
extension ClusterNode {
    func install(_ update: NodeTableUpdate, now: ClusterInstant) {
        let current = table?.epoch ?? 0
        // The coordinator pushes the same epoch again when only the active version changed.
        if update.epoch >= current { adoptActiveVersion(of: update) }
        guard update.epoch > current else {
            if update.epoch == current { emit(.sendToCoordinator(.epochAcknowledged(update.epoch))) }
            return
        }
        let installed: RoutingTable
        do {
            installed = try RoutingTable(decoding: update.encodedTable)
        } catch {
            emit(.incident(.tableUndecodable(epoch: update.epoch, reason: "\(error)")))
            return
        }
        let previous = table
        table = installed
        directory = Dictionary(update.directory.map { ($0.memberID, $0) }, uniquingKeysWith: { first, _ in first })
        for member in update.directory { memberIDs[member.nodeID] = member.memberID }
        memberID = update.directory.first { $0.nodeID == nodeID }?.memberID ?? memberID
        if let me = memberID {
            for vnode in 0..<store.configuration.vnodeCount.value {
                applyRoles(of: vnode, me: me, table: installed, previous: previous, now: now)
            }
        }
        emit(.tableInstalled(epoch: installed.epoch))
        emit(.sendToCoordinator(.epochAcknowledged(installed.epoch)))
        let due = parkedHellos.filter { $0.epoch <= installed.epoch }
        parkedHellos.removeAll { $0.epoch <= installed.epoch }
        for hello in due {
            receiveReplicaHello(vnode: hello.vnode, appliedThrough: hello.appliedThrough, epoch: hello.epoch, from: hello.from, now: now)
        }
    }

    /// A replica says what it holds. One from a newer table than this node's waits until that
    /// table is installed: it may be the table that makes this node the primary.
    func receiveReplicaHello(vnode: Int, appliedThrough: UInt64, epoch: UInt64, from sender: NodeID, now: ClusterInstant) {
        guard epoch <= table?.epoch ?? 0 else {
            if parkedHellos.count < configuration.parkedHellosMax {
                parkedHellos.append(ParkedHello(from: sender, vnode: vnode, appliedThrough: appliedThrough, epoch: epoch))
            }
            return
        }
        // Epoch 0 is a transfer target's snapshot ack (`receiveTransfer`), not a table's hello.
        receiveAck(ReplicationAck(vnode: UInt32(vnode), acknowledgedSequence: appliedThrough), from: sender, now: now, isSnapshotAck: epoch == 0)
    }

    private func applyRoles(of vnode: Int, me: MemberID, table: RoutingTable, previous: RoutingTable?, now: ClusterInstant) {
        let replicas = table.replicas(of: vnode)
        if replicas.contains(me) { finishPendingDrop(of: vnode) }
        let secondaries = Array(replicas.dropFirst())
        let previousPrimary = previous?.replicas(of: vnode).first
        if replicas.first == me {
            becomePrimary(of: vnode, secondaries: secondaries, table: table, now: now)
            return
        }
        if var primary = primaries.removeValue(forKey: vnode) {
            performPrimary(primary.resign(), now: now)
            let log = primary.retireLog()
            if !log.isEmpty { retiredLogs.append(log) }
            // Keeps its copy: a listed secondary from here on, or an old holder until dropped.
            appliers[vnode] = VnodeReplicaApplier(vnode: vnode, store: store, appliedThrough: primary.lastSequence)
        }
        guard secondaries.contains(me) else { return }
        if appliers[vnode] == nil, incoming[vnode] == nil, table.epoch == 1 {
            // The first table of a new cluster: every vnode starts empty on its replicas.
            appliers[vnode] = VnodeReplicaApplier(vnode: vnode, store: store)
        }
        let newlyListed = !(previous?.replicas(of: vnode).dropFirst().contains(me) ?? false)
        if let applier = appliers[vnode], newlyListed || previousPrimary != replicas.first,
            let primaryNode = directory[replicas[0]]?.nodeID
        {
            emit(.sendToPeer(primaryNode, .replicaHello(vnode: vnode, appliedThrough: applier.appliedThrough, epoch: table.epoch)))
        }
    }

    private func becomePrimary(of vnode: Int, secondaries: [MemberID], table: RoutingTable, now: ClusterInstant) {
        if var primary = primaries[vnode] {
            // A newly listed secondary is usually the finished transfer target the primary already
            // tracks; otherwise its acks (or `.rebuildRequired`) say what it holds.
            let actions = primary.updateReplicas(secondaries: secondaries, down: [], now: now)
            primaries[vnode] = primary
            primariesWrittenSinceFlush.insert(vnode)
            performPrimary(actions, now: now)
            return
        }
        let starting: UInt64
        if let applier = appliers.removeValue(forKey: vnode) {
            starting = applier.appliedThrough
        } else if let applier = incoming[vnode]?.replicaApplier {
            incoming[vnode] = nil
            starting = applier.appliedThrough
        } else {
            if table.epoch != 1 { emit(.incident(.primaryWithoutCopy(vnode: vnode, epoch: table.epoch))) }
            starting = 0
        }
        var replication = configuration.replication
        replication.batchCompression = replicationBatchCompression
        var primary = VnodePrimaryReplicator(vnode: vnode, startingSequence: starting, configuration: replication)
        let actions = primary.updateReplicas(secondaries: secondaries, down: [], now: now)
        // What each secondary holds is unknown until it says (its `replicaHello`).
        for member in secondaries where table.epoch != 1 { primary.connectionReset(member) }
        primaries[vnode] = primary
        primariesWrittenSinceFlush.insert(vnode)
        performPrimary(actions, now: now)
    }

    /// The coordinator's drop: every live member acknowledged a table without this copy.
    func drop(_ vnode: Int) {
        if let table, let me = memberID, table.replicas(of: vnode).contains(me) {
            emit(.incident(.dropRefused(vnode: vnode, epoch: table.epoch)))
            return
        }
        appliers[vnode] = nil
        incoming[vnode] = nil
        if !pendingDrops.contains(vnode) { pendingDrops.append(vnode) }
    }

    /// Frees up to `dropItemsPerTickMax` items of the dropped copies, oldest drop first.
    func stepDrops() {
        var budget = configuration.dropItemsPerTickMax
        while budget > 0, let vnode = pendingDrops.first {
            let step = store.dropVnodeStep(vnode, maxItems: budget)
            budget -= step.dropped
            if step.isEmpty { pendingDrops.removeFirst() }
        }
    }

    /// Frees up to `retiredLogEntriesPerTickMax` entries of the resigned primaries' logs.
    func stepRetiredLogs() {
        var budget = configuration.retiredLogEntriesPerTickMax
        while budget > 0, !retiredLogs.isEmpty {
            budget -= retiredLogs[0].free(maxEntries: budget)
            if retiredLogs[0].isEmpty { retiredLogs.removeFirst() }
        }
    }

    /// A copy that comes back to this node while its drop is still freeing items: whatever is
    /// left of the old copy goes now, so that nothing of it is served or freed later under the
    /// new one.
    func finishPendingDrop(of vnode: Int) {
        guard let position = pendingDrops.firstIndex(of: vnode) else { return }
        pendingDrops.remove(at: position)
        store.dropVnode(vnode)
    }
}
