import RondoCoordinator
import RondoCore
import RondoNode

/// Faults: node crashes (memory lost, restart empty), coordinator crashes (restart from the
/// persisted state), partitions. Random ones come from the seed; scenarios also call them.
extension SimulatedCluster {
    /// Per-step chances, in parts per ten thousand.
    static let nodeCrashChance = 4
    static let coordinatorCrashChance = 2
    static let partitionChance = 6
    static let membershipChangeChance = 4

    func injectFaults() {
        let roll = Int.random(in: 0..<10_000, using: &generator)
        if roll < Self.nodeCrashChance {
            crashRandomNode()
        } else if roll < Self.nodeCrashChance + Self.coordinatorCrashChance {
            crashCoordinator(restartAfterMilliseconds: Int64.random(in: 200...4_000, using: &generator))
        } else if roll < Self.nodeCrashChance + Self.coordinatorCrashChance + Self.partitionChance {
            partitionRandomEndpoint()
        } else if roll < Self.nodeCrashChance + Self.coordinatorCrashChance + Self.partitionChance + Self.membershipChangeChance {
            changeMembership()
        }
        followUpMembershipChanges()
    }

    /// A join of a new node, or the release (then leave) of an active one, when nothing else is
    /// pending, so that the run keeps at least `replicaCount` active members.
    func changeMembership() {
        guard let state = coordinator?.state, let table = state.table, isMembershipSettled, pendingJoins.isEmpty,
            pendingLeaves.isEmpty, upNodes.count == nodes.count
        else { return }
        if nodes.count < configuration.nodeCountMax, Bool.random(using: &generator) {
            pendingJoins.insert(addNode())
            return
        }
        let active = table.activeMembers.compactMap { state.nodeID(of: $0.id) }.sorted()
        guard active.count > configuration.replicaCount else { return }
        let leaver = active[Int.random(in: 0..<active.count, using: &generator)]
        if case .refused? = ctl(.release(leaver)) { return }
        pendingLeaves.insert(leaver)
    }

    /// Joins a new node once the coordinator knows it; has a released node leave.
    func followUpMembershipChanges() {
        for node in pendingJoins.sorted() where isConnected(node) {
            pendingJoins.remove(node)
            if case .refused(let error)? = ctl(.join(node)) { violation("join of \(node) refused: \(error)") }
        }
        for node in pendingLeaves.sorted() where isReleased(node) {
            pendingLeaves.remove(node)
            if case .refused(let error)? = ctl(.leave(node)) { violation("leave of released \(node) refused: \(error)") }
        }
    }

    /// Crashes one node when that cannot lose data: nothing else is down and every vnode has
    /// all its replicas (a second failure before re-replication may lose writes legitimately).
    func crashRandomNode() {
        let up = upNodes
        // A restarted node is empty before the coordinator knows it: it counts as down until
        // admitted and filled (not joining).
        guard up.count == nodes.count, up.count > 1, let state = coordinator?.state, state.underReplicatedVnodeCount == 0,
            state.copies.isEmpty, state.members.values.allSatisfy({ $0.state != .down && $0.state != .joining }),
            up.allSatisfy({ nodes[$0]!.core.isAdmitted && !nodes[$0]!.core.holdsNoData })
        else { return }
        crash(up[Int.random(in: 0..<up.count, using: &generator)])
    }

    /// The node process dies: its memory is gone and its connections close. It restarts empty
    /// after `restartDelayMinMilliseconds` plus up to a second.
    public func crash(_ id: NodeID) {
        guard let node = nodes[id], node.isUp else { return }
        counters.nodeCrashes += 1
        node.isUp = false
        node.restartAt = now + configuration.restartDelayMinMilliseconds + Int64.random(in: 0...1_000, using: &generator)
        network.breakConnections(of: id)
        for peer in upNodes {
            let node = nodes[peer]!
            perform(node.core.peerConnectionReset(id, now: clusterNow), at: node)
        }
        coordinatorEvent { $0.nodeDisconnected(id, nowMilliseconds: now) }
    }

    /// Cuts a node or the coordinator off for less than `downAfter`: datagrams are lost, streams
    /// stall, nobody is declared down.
    func partitionRandomEndpoint() {
        let endpoints = upNodes + (coordinator == nil ? [] : [Self.coordinatorID])
        guard !endpoints.isEmpty else { return }
        counters.partitions += 1
        let endpoint = endpoints[Int.random(in: 0..<endpoints.count, using: &generator)]
        let duration = Int64.random(in: 50...(configuration.downAfterMilliseconds / 2), using: &generator)
        network.isolate(endpoint, until: now + duration)
    }
}
