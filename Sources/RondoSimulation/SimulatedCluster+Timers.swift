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
    /// It runs `binaryPath` (one of `builds`), `initialBinaryPath` when nil: a scenario mixes
    /// builds this way.
    @discardableResult
    public func addNode(binaryPath: String? = nil) -> NodeID {
        precondition(nodes.count < configuration.nodeCountMax, "more nodes than nodeCountMax")
        let id = NodeID("n\(nodes.count + 1)")!
        let path = binaryPath ?? configuration.initialBinaryPath
        guard let build = configuration.builds[path] else { preconditionFailure("initialBinaryPath \(path) is not in builds") }
        let node = SimulatedNode(
            nodeID: id, binaryPath: path, build: build, vnodeCount: vnodeCount, configuration: configuration.node, now: now)
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
            startProcess(node)
        }
    }
}
