import RondoCoordinator
import RondoCore

/// Faults: node crashes (memory lost, restart empty), coordinator crashes (restart from the
/// persisted state), partitions. Random ones come from the seed; scenarios also call them.
extension SimulatedCluster {
    /// Per-step chances, in parts per ten thousand.
    static let nodeCrashChance = 4
    static let coordinatorCrashChance = 2
    static let partitionChance = 6

    func injectFaults() {
        let roll = Int.random(in: 0..<10_000, using: &generator)
        if roll < Self.nodeCrashChance {
            crashRandomNode()
        } else if roll < Self.nodeCrashChance + Self.coordinatorCrashChance {
            crashCoordinator(restartAfterMilliseconds: Int64.random(in: 200...4_000, using: &generator))
        } else if roll < Self.nodeCrashChance + Self.coordinatorCrashChance + Self.partitionChance {
            partitionRandomEndpoint()
        }
    }

    /// Crashes one node when that cannot lose data: nothing else is down and every vnode has
    /// all its replicas (a second failure before re-replication may lose writes legitimately).
    func crashRandomNode() {
        let up = upNodes
        guard up.count == nodes.count, up.count > 1, let state = coordinator?.state, state.underReplicatedVnodeCount == 0,
            state.copies.isEmpty, state.members.values.allSatisfy({ $0.state != .down })
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
        for peer in upNodes { forgetPeer(id, at: nodes[peer]!) }
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
