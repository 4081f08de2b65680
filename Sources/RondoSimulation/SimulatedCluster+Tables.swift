import RondoCluster
import RondoCoordinator
import RondoCore
import RondoPeer
import RondoRing

/// A node installing a pushed routing table: what the runtime does on `RoutingTableUpdate`.
/// Roles follow the table: a new primary starts its replicator at the sequence it holds and
/// waits for each secondary's applied sequence; a demoted primary resigns (its pending writes
/// fail) and keeps its copy as a replica; a secondary tells a new primary what it holds.
extension SimulatedCluster {
    func install(_ push: TablePush, at node: SimulatedNode) {
        let current = node.table?.epoch ?? 0
        guard push.epoch > current else {
            if push.epoch == current { send(.epochAcknowledged(push.epoch), from: node.nodeID, to: Self.coordinatorID) }
            return
        }
        let table: RoutingTable
        do {
            table = try RoutingTable(decoding: push.table)
        } catch {
            violation("\(node.nodeID) could not decode the table of epoch \(push.epoch): \(error)")
            return
        }
        let previous = node.table
        node.table = table
        node.directory = Dictionary(uniqueKeysWithValues: push.directory.map { (MemberID($0.memberID), $0.nodeID) })
        for entry in push.directory { node.memberIDs[entry.nodeID] = MemberID(entry.memberID) }
        node.memberID = push.directory.first { $0.nodeID == node.nodeID }.map { MemberID($0.memberID) } ?? node.memberID
        counters.tablesInstalled += 1
        if let me = node.memberID {
            for vnode in 0..<vnodeCount.value { applyRoles(of: vnode, at: node, me: me, table: table, previous: previous) }
        }
        send(.epochAcknowledged(table.epoch), from: node.nodeID, to: Self.coordinatorID)
        let due = node.parkedHellos.filter { $0.epoch <= table.epoch }
        node.parkedHellos.removeAll { $0.epoch <= table.epoch }
        for hello in due {
            receiveReplicaHello(vnode: hello.vnode, appliedThrough: hello.appliedThrough, epoch: hello.epoch, at: node, from: hello.from)
        }
    }

    func receiveReplicaHello(vnode: Int, appliedThrough: UInt64, epoch: UInt64, at node: SimulatedNode, from sender: NodeID) {
        guard epoch <= node.table?.epoch ?? 0 else {
            if node.parkedHellos.count < SimulatedNode.ParkedHello.countMax {
                node.parkedHellos.append(
                    SimulatedNode.ParkedHello(from: sender, vnode: vnode, appliedThrough: appliedThrough, epoch: epoch))
            }
            return
        }
        receiveAck(ReplicationAck(vnode: UInt32(vnode), acknowledgedSequence: appliedThrough), at: node, from: sender)
    }

    private func applyRoles(of vnode: Int, at node: SimulatedNode, me: MemberID, table: RoutingTable, previous: RoutingTable?) {
        let replicas = table.replicas(of: vnode)
        let secondaries = Array(replicas.dropFirst())
        let previousPrimary = previous?.replicas(of: vnode).first
        if replicas.first == me {
            becomePrimary(of: vnode, at: node, secondaries: secondaries, table: table, previous: previous)
            return
        }
        if var primary = node.primaries.removeValue(forKey: vnode) {
            performPrimary(primary.resign(), at: node)
            // Keeps its copy: a listed secondary from here on, or an old holder until dropped.
            node.appliers[vnode] = VnodeReplicaApplier(vnode: vnode, store: node.store, appliedThrough: primary.lastSequence)
        }
        guard secondaries.contains(me) else { return }
        if node.appliers[vnode] == nil, node.incoming[vnode] == nil, table.epoch == 1 {
            // The first table of a new cluster: every vnode starts empty on its replicas.
            node.appliers[vnode] = VnodeReplicaApplier(vnode: vnode, store: node.store)
        }
        let newlyListed = !(previous?.replicas(of: vnode).dropFirst().contains(me) ?? false)
        if let applier = node.appliers[vnode], newlyListed || previousPrimary != replicas.first,
            let primaryNode = node.directory[replicas[0]]
        {
            // What the runtime does on every new peer connection: tell the primary what it holds.
            send(
                .replicaHello(vnode: vnode, appliedThrough: applier.appliedThrough, epoch: table.epoch), from: node.nodeID,
                to: primaryNode)
        }
    }

    private func becomePrimary(
        of vnode: Int, at node: SimulatedNode, secondaries: [MemberID], table: RoutingTable, previous: RoutingTable?
    ) {
        if var primary = node.primaries[vnode] {
            // A newly listed secondary is usually the finished transfer target the primary already
            // tracks; otherwise its acks (or `.rebuildRequired`) say what it holds.
            let actions = primary.updateReplicas(secondaries: secondaries, down: [], now: clusterNow)
            node.primaries[vnode] = primary
            performPrimary(actions, at: node)
            return
        }
        let starting: UInt64
        if let applier = node.appliers.removeValue(forKey: vnode) {
            starting = applier.appliedThrough
        } else if let applier = node.incoming[vnode]?.target.replicaApplier {
            node.incoming[vnode] = nil
            starting = applier.appliedThrough
        } else {
            if table.epoch != 1 { knownGap("primary-without-copy") }
            starting = 0
        }
        var primary = VnodePrimaryReplicator(vnode: vnode, startingSequence: starting, configuration: configuration.replication)
        performPrimary(primary.updateReplicas(secondaries: secondaries, down: [], now: clusterNow), at: node)
        // What each secondary holds is unknown until it says (its `replicaHello`).
        for member in secondaries where table.epoch != 1 { primary.connectionReset(member) }
        node.primaries[vnode] = primary
    }

    /// The coordinator's drop: every live member acknowledged a table without this copy.
    func drop(_ vnode: Int, at node: SimulatedNode) {
        if let table = node.table, let me = node.memberID, table.replicas(of: vnode).contains(me) {
            violation("\(node.nodeID) was told to drop vnode \(vnode), which its table of epoch \(table.epoch) lists it for")
            return
        }
        node.appliers[vnode] = nil
        node.incoming[vnode] = nil
        node.store.dropVnode(vnode)
    }
}
