import RondoCore
import RondoNode

/// What happens on a node when time passes (`ClusterNode.tick`: heartbeats, hellos after a
/// refusal, primaries' timers and transfer batches), and node processes starting.
extension SimulatedCluster {
    func runNodeTimers(_ node: SimulatedNode) {
        node.advanceClock(to: now)
        perform(node.core.tick(now: clusterNow), at: node)
    }

    /// Starts a new node process and has it say hello; it joins when a scenario says `ctl join`.
    @discardableResult
    public func addNode() -> NodeID {
        precondition(nodes.count < configuration.nodeCountMax, "more nodes than nodeCountMax")
        let id = NodeID("n\(nodes.count + 1)")!
        let node = SimulatedNode(nodeID: id, vnodeCount: vnodeCount, configuration: configuration.node, now: now)
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
