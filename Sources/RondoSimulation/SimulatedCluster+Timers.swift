import RondoCore

/// What happens on a node when time passes: heartbeats (with applied sequences), hellos after a
/// refusal, primaries' timers and transfer batches.
extension SimulatedCluster {
    func runNodeTimers(_ node: SimulatedNode) {
        node.advanceClock(to: now)
        if coordinator != nil, !node.isAdmitted, let due = node.helloDueAt, due <= now { sayHello(from: node) }
        if node.isAdmitted, node.nextHeartbeatAt <= now {
            node.nextHeartbeatAt = now + configuration.heartbeatIntervalMilliseconds
            send(.heartbeat(appliedSequences: node.appliedSequences), from: node.nodeID, to: Self.coordinatorID)
        }
        tickPrimaries(of: node)
        pumpTransfers(of: node)
    }

    /// Starts a new node process and has it say hello; it joins when a scenario says `ctl join`.
    @discardableResult
    public func addNode() -> NodeID {
        precondition(nodes.count < configuration.nodeCountMax, "more nodes than nodeCountMax")
        let id = NodeID("n\(nodes.count + 1)")!
        let node = SimulatedNode(nodeID: id, vnodeCount: vnodeCount, now: now)
        nodes[id] = node
        nodeOrder.append(id)
        sayHello(from: node)
        return id
    }

    func restartDueProcesses() {
        if let due = coordinatorRestartAt, due <= now { restartCoordinator() }
        for id in nodeOrder {
            let node = nodes[id]!
            guard !node.isUp, let due = node.restartAt, due <= now else { continue }
            node.restartEmpty(now: now)
            sayHello(from: node)
        }
    }
}
