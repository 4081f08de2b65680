import RondoCoordinator
import RondoCore
import RondoNode
import RondoRing

/// The invariants of docs/cluster-design.md, checked after every step, and the stronger ones
/// that hold once the cluster is quiet.
extension SimulatedCluster {
    func checkInvariants() {
        checkEpochsOnlyGrow()
        checkPrimariesOwnTheirVnodes()
        checkNoAcknowledgedWriteLost()
    }

    /// The coordinator's epoch, and each node's installed epoch, never go down (a restarted node
    /// starts without a table and must not install an older one than it had).
    private func checkEpochsOnlyGrow() {
        if let epoch = coordinator?.state.epoch {
            if epoch < (nodeEpochs[Self.coordinatorID] ?? 0) {
                violation("the coordinator's epoch went from \(nodeEpochs[Self.coordinatorID]!) to \(epoch)")
            }
            nodeEpochs[Self.coordinatorID] = epoch
        }
        for id in upNodes {
            guard let epoch = nodes[id]!.core.epoch else { continue }
            if epoch < (nodeEpochs[id] ?? 0) { violation("\(id) installed epoch \(epoch) after \(nodeEpochs[id]!)") }
            nodeEpochs[id] = epoch
        }
    }

    /// A node runs a serving replicator only for vnodes its own table makes it primary of.
    private func checkPrimariesOwnTheirVnodes() {
        for id in upNodes {
            let node = nodes[id]!
            for vnode in node.core.primaryVnodes where !node.core.isListedPrimary(of: vnode) {
                violation("\(id) serves as primary of vnode \(vnode), which it does not own at epoch \(node.core.epoch ?? 0)")
            }
        }
    }

    /// The table the cluster currently goes by: the coordinator's, or while it is down the
    /// newest any running node holds.
    var authoritativeTable: RoutingTable? {
        if let table = coordinator?.state.table { return table }
        return upNodes.compactMap { nodes[$0]!.core.table }.max { $0.epoch < $1.epoch }
    }

    /// For each key, the primary of the authoritative table, once it has installed that table
    /// and runs the vnode's replicator, serves the latest acknowledged write or a later one.
    private func checkNoAcknowledgedWriteLost() {
        guard let table = authoritativeTable else { return }
        for keyIndex in 0..<configuration.keyCount {
            guard let node = servingPrimary(ofKey: keyIndex, table: table) else { continue }
            if let lost = model.lostWrite(served: node.value(of: keys[keyIndex]), keyIndex: keyIndex) {
                violation("acknowledged write lost on primary \(node.nodeID) at epoch \(table.epoch): \(lost)")
            }
        }
    }

    private func servingPrimary(ofKey keyIndex: Int, table: RoutingTable) -> SimulatedNode? {
        let vnode = table.vnode(ofHash: keys[keyIndex].withUnsafeReadableBytes { VnodeHash.hash($0) })
        let primary = table.primary(of: vnode)
        guard let node = upNodes.map({ nodes[$0]! }).first(where: { $0.core.memberID == primary }),
            node.core.epoch == table.epoch, node.core.replicator(of: vnode) != nil
        else { return nil }
        return node
    }

    // MARK: Quiet

    /// No fault pending, every process up and admitted, membership settled, every node on the
    /// coordinator's epoch, no client waiting, every replica caught up with its primary.
    var isQuiet: Bool { quietBlocker == nil }

    /// What keeps the cluster from being quiet (for the settle failure message).
    var quietBlocker: String? {
        guard let coordinator else { return "the coordinator is down" }
        let state = coordinator.state
        guard let table = state.table else { return "no table" }
        if let down = nodeOrder.first(where: { !nodes[$0]!.isUp }) { return "\(down) is down" }
        if let id = nodeOrder.first(where: { !nodes[$0]!.core.isAdmitted }) { return "\(id) is not admitted" }
        if state.target != nil || !state.copies.isEmpty || !state.pendingDrops.isEmpty {
            return "membership pending: target \(state.target != nil), copies \(state.copies.count), drops \(state.pendingDrops.count)"
        }
        if let record = state.members.values.first(where: { $0.state == .joining || $0.state == .down }) {
            return "\(record.nodeID) is \(record.state)"
        }
        if clients.contains(where: { $0.operation != nil }) { return "a client request is outstanding" }
        if !pendingJoins.isEmpty || !pendingLeaves.isEmpty { return "a join or leave is under way" }
        if let envelope = network.inFlight.first(where: { $0.message.isClusterChange }) {
            return "a cluster change to \(envelope.to) is in flight"
        }
        for member in table.members {
            guard let id = state.nodeID(of: member.id), let node = nodes[id] else { return "no node for \(member.id)" }
            if node.core.epoch != table.epoch { return "\(id) is at epoch \(node.core.epoch ?? 0), not \(table.epoch)" }
            if node.core.hasTransfersRunning { return "\(id) has transfers running" }
        }
        for vnode in 0..<vnodeCount.value {
            if let blocker = replicationBlocker(of: vnode, table: table) { return blocker }
        }
        return nil
    }

    private func replicationBlocker(of vnode: Int, table: RoutingTable) -> String? {
        let replicas = table.replicas(of: vnode).map { member in nodes.values.first { $0.core.memberID == member && $0.isUp } }
        guard let primaryNode = replicas.first ?? nil, let primary = primaryNode.core.replicator(of: vnode) else {
            return "vnode \(vnode) has no running primary"
        }
        if primary.pendingWriteCount > 0 { return "vnode \(vnode) has writes pending" }
        for case let node? in replicas.dropFirst() where node.core.replicaAppliedThrough(of: vnode) != primary.lastSequence {
            return "vnode \(vnode) on \(node.nodeID) at \(node.core.replicaAppliedThrough(of: vnode)?.description ?? "no copy"), "
                + "primary at \(primary.lastSequence)"
        }
        return nil
    }

    /// Once quiet: every vnode has `min(replicas, active members)` replicas, each holding every
    /// acknowledged write; nodes the table does not list for a vnode hold nothing of it.
    func checkQuietInvariants() {
        guard let table = coordinator?.state.table else { return }
        let expected = min(configuration.replicaCount, table.activeMembers.count)
        for vnode in 0..<vnodeCount.value {
            let listed = table.replicas(of: vnode)
            if listed.count != expected { violation("vnode \(vnode) has \(listed.count) replicas, expected \(expected)") }
            for id in upNodes {
                let node = nodes[id]!
                guard let member = node.core.memberID, listed.contains(member) else {
                    if node.store.itemCount(inVnode: vnode) > 0 { violation("\(id) still holds vnode \(vnode), which it does not own") }
                    continue
                }
                checkReplicaHoldsAcknowledgedWrites(node, vnode: vnode, table: table)
            }
        }
    }

    private func checkReplicaHoldsAcknowledgedWrites(_ node: SimulatedNode, vnode: Int, table: RoutingTable) {
        for keyIndex in 0..<configuration.keyCount {
            guard table.vnode(ofHash: keys[keyIndex].withUnsafeReadableBytes { VnodeHash.hash($0) }) == vnode else { continue }
            if let lost = model.lostWrite(served: node.value(of: keys[keyIndex]), keyIndex: keyIndex) {
                violation("replica \(node.nodeID) of vnode \(vnode) misses an acknowledged write: \(lost)")
            }
        }
    }
}
