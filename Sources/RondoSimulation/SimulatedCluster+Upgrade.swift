import RondoCoordinator
import RondoCore
import RondoPeer
import RondoRing

/// The node side of a rolling upgrade, as the runtime must do it on `RestartNode`: take no new
/// client operation, let what is in flight finish (bounded by `drainMillisecondsMax`, then fail
/// it), stop the process, and start a new one on the ordered binary that says hello holding no
/// data. The scenario plays the operator: the binary an external restart runs, and nodes that
/// never come back.
extension SimulatedCluster {
    /// The coordinator's restart order goes to the node on its control stream; the node must be
    /// released by then (the restart costs no redundancy).
    func orderRestart(_ node: NodeID, binaryPath: String?, mode: RestartMode, deadlineMilliseconds: Int64) {
        if let state = coordinator?.state, let member = state.members[node]?.memberID {
            for table in [state.table, state.target].compactMap({ $0 }) {
                if let vnode = (0..<vnodeCount.value).first(where: { table.replicas(of: $0).contains(member) }) {
                    violation("coordinator ordered \(node) to restart while epoch \(table.epoch) lists it for vnode \(vnode)")
                    break
                }
            }
        }
        let order = RestartNode(
            node: node, binaryPath: binaryPath, mode: mode, timeoutMilliseconds: UInt64(max(1, deadlineMilliseconds - now)))
        send(.restart(order), from: Self.coordinatorID, to: node)
    }

    /// The node starts draining. An order for another node is refused; a repeated order while
    /// draining changes nothing (the coordinator repeats orders after its own restart).
    func receiveRestartOrder(_ order: RestartNode, at node: SimulatedNode) {
        guard order.node == node.nodeID else {
            violation("\(node.nodeID) received a restart order for \(order.node)")
            return
        }
        guard node.plannedRestart == nil else { return }
        let comesBack = !nodesThatNeverReturn.contains(node.nodeID)
        let binaryPath: String?
        switch order.mode {
        case .inPlace: binaryPath = order.binaryPath ?? node.binaryPath
        case .external: binaryPath = operatorBinaryPath ?? order.binaryPath ?? node.binaryPath
        }
        node.plannedRestart = SimulatedNode.PlannedRestart(
            binaryPath: comesBack ? binaryPath : nil, drainDeadline: now + configuration.drainMillisecondsMax,
            downForMilliseconds: Int64.random(in: configuration.restartDelayMillisecondsRange, using: &generator))
    }

    /// Draining nodes stop once nothing is in flight through them (client attempts they entered,
    /// writes they execute), or at their drain bound, failing what is left.
    func runDrains() {
        for id in upNodes {
            let node = nodes[id]!
            guard let restart = node.plannedRestart else { continue }
            let entered = clients.indices.filter { clients[$0].operation?.entryNode == id && clients[$0].operation?.retryAt == nil }
            let idle = entered.isEmpty && node.pendingWrites.isEmpty
            guard idle || restart.drainDeadline <= now else { continue }
            counters.upgradeRestarts += 1
            node.nextBinaryPath = restart.binaryPath
            stopProcess(node, restartAt: restart.binaryPath == nil ? nil : now + restart.downForMilliseconds)
            // The connections closed: the clients see their attempts fail and retry elsewhere.
            for index in entered {
                counters.drainFailures += 1
                finishAttempt(client: index, reply: .failed("connection closed: \(id) stopped for its restart"))
            }
        }
    }

    /// A node process starts on `nextBinaryPath` (or the binary it ran): an unknown path fails
    /// the exec, and the node comes back on the binary it had (the coordinator sees the old
    /// version and waits until the restart deadline).
    func startProcess(_ node: SimulatedNode) {
        var path = node.nextBinaryPath ?? node.binaryPath
        if configuration.builds[path] == nil {
            knownGap("restart-binary-unknown")
            path = node.binaryPath
        }
        node.restartEmpty(now: now, binaryPath: path, build: configuration.builds[path]!)
        sayHello(from: node)
    }

    // MARK: For scenarios

    /// The upgrade's progress; nil when none was started or the coordinator is down.
    public var upgradeStatus: UpgradeStatus? {
        coordinator?.upgradeStatus(nowMilliseconds: now)
    }

    /// The software version node `id`'s process runs.
    public func softwareVersion(of id: NodeID) -> SemanticVersion? {
        nodes[id]?.build.softwareVersion
    }

    /// The version the cluster is finalized at, as the coordinator has it.
    public var finalizedVersion: SemanticVersion? {
        coordinator?.state.finalizedVersion
    }

    /// Every vnode's replicas, primary first, by node name (member ids change when a node
    /// rejoins, names do not); nil without a table.
    public var placement: [[NodeID]]? {
        guard let state = coordinator?.state, let table = state.table else { return nil }
        return (0..<vnodeCount.value).map { vnode in
            table.replicas(of: vnode).map { state.nodeID(of: $0) ?? NodeID("unknown")! }
        }
    }

    /// The coordinator's view of node `id`'s membership (nil while the coordinator is down).
    public func memberState(of id: NodeID) -> MembershipState? {
        coordinator?.state.members[id]?.state
    }

    /// The node process is stopped and will not start again (see `nodesThatNeverReturn`).
    public func isStoppedForGood(_ id: NodeID) -> Bool {
        guard let node = nodes[id] else { return false }
        return !node.isUp && node.restartAt == nil
    }
}
