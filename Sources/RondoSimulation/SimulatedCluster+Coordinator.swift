import RondoCluster
import RondoCoordinator
import RondoCore
import RondoNode
import RondoPeer
import RondoRing

/// The coordinator's side: events in, actions performed in order (`.persist` first, as the
/// runtime must), ctl requests, and the coordinator's crash and restart from its persisted bytes.
extension SimulatedCluster {
    func deliverToCoordinator(_ envelope: SeededEnvelope<NodeID, SimulatedMessage>) {
        guard coordinator != nil, let node = nodes[envelope.from], node.isUp else { return }
        let from = envelope.from
        guard case .node(let message) = envelope.message else {
            violation("the coordinator received a client message from \(from)")
            return
        }
        switch message {
        case .hello(let holdsNoData, _):
            let hello = Hello(
                clusterName: Self.clusterName, nodeID: from, role: .node, build: node.build, advertisedHost: from.rawValue,
                clientPort: 11211, peerPort: 7000)
            let addresses = MemberAddresses(
                client: NodeAddress(host: from.rawValue, port: 11211), peer: NodeAddress(host: from.rawValue, port: 7000))
            // A new process holds nothing until the coordinator's transfers fill it: its hello
            // says so. (The epoch it carries is read directly on a coordinator restart.)
            coordinatorEvent { $0.nodeConnected(hello: hello, addresses: addresses, holdsNoData: holdsNoData, nowMilliseconds: now) }
        case .heartbeat(let beat):
            let memory = NodeMemoryReport(limitBytes: beat.memoryLimitBytes, usedBytes: beat.memoryUsedBytes)
            coordinatorEvent {
                $0.heartbeat(
                    from, nowMilliseconds: now, appliedSequences: beat.appliedSequences, vnodeBytes: beat.vnodeBytes, memory: memory,
                    clientErrorsPerMillion: beat.clientErrorsPerMillion)
            }
        case .epochAcknowledged(let epoch):
            coordinatorEvent { $0.nodeAcknowledgedEpoch(from, epoch: epoch, nowMilliseconds: now) }
        case .transferCompleted(let vnode, let sequence, let bytes):
            counters.transfersCompleted += 1
            coordinatorEvent {
                $0.transferCompleted(vnode: vnode, target: from, sequence: sequence, bytes: bytes, nowMilliseconds: now)
            }
        case .transferFailed(let vnode, let target, let reason):
            coordinatorEvent { $0.transferFailed(vnode: vnode, target: target, reason: reason, nowMilliseconds: now) }
        default:
            violation("the coordinator received a node-bound message from \(from)")
        }
    }

    /// Runs one coordinator event and performs its actions.
    func coordinatorEvent(_ event: (inout Coordinator) -> [CoordinatorAction]) {
        guard var current = coordinator else { return }
        let actions = event(&current)
        coordinator = current
        perform(actions)
    }

    func perform(_ actions: [CoordinatorAction]) {
        for (index, action) in actions.enumerated() {
            switch action {
            case .persist(let state):
                if index != 0 { violation("coordinator: .persist is not first in its batch") }
                persistedState = state.encoded()
            case .answerHello(let node, let decision, let startEmpty):
                var accepted = false
                if case .accept = decision { accepted = true }
                send(.node(.helloAnswer(accepted: accepted, startEmpty: startEmpty)), from: Self.coordinatorID, to: node)
            case .pushTable(let push):
                pushTable(push)
            case .startTransfer(let order):
                counters.transfersStarted += 1
                send(.node(.transferOrder(Self.nodeTransferOrder(order))), from: Self.coordinatorID, to: order.source)
            case .dropVnode(let node, let vnode):
                counters.drops += 1
                if printsCoordinatorLog { print("\(here) drop of vnode \(vnode) sent to \(node)") }
                send(.node(.drop(vnode: vnode)), from: Self.coordinatorID, to: node)
            case .reply(let requestID, let response):
                ctlReplies[requestID] = response
            case .restartNode(let node, let binaryPath, let mode, let deadline):
                orderRestart(node, binaryPath: binaryPath, mode: mode, deadlineMilliseconds: deadline)
            case .log(let level, let message):
                if printsCoordinatorLog { print("\(here) coordinator \(level): \(message)") }
            }
        }
    }

    private func pushTable(_ push: TablePush) {
        if push.epoch < highestPushedEpoch {
            violation("coordinator pushed epoch \(push.epoch) after \(highestPushedEpoch): epochs only grow")
        }
        if let persisted = persistedState, let state = try? CoordinatorState(decoding: persisted), state.epoch < push.epoch {
            violation("coordinator pushed epoch \(push.epoch) before persisting it (persisted \(state.epoch))")
        }
        highestPushedEpoch = max(highestPushedEpoch, push.epoch)
        let update = Self.nodeTableUpdate(push)
        for recipient in push.recipients { send(.node(.table(update)), from: Self.coordinatorID, to: recipient) }
    }

    /// The coordinator's push as the node takes it (what the runtime's peer codec carries).
    static func nodeTableUpdate(_ push: TablePush) -> NodeTableUpdate {
        let directory = push.directory.map { entry in
            NodeMember(
                memberID: MemberID(entry.memberID), nodeID: entry.nodeID, clientHost: entry.addresses.client.host,
                clientPort: entry.addresses.client.port, peerHost: entry.addresses.peer.host, peerPort: entry.addresses.peer.port)
        }
        return NodeTableUpdate(
            epoch: push.epoch, encodedTable: push.table, directory: directory, activeFeatures: push.activeFeatures,
            finalizedVersion: push.finalizedVersion)
    }

    static func nodeTransferOrder(_ order: TransferOrder) -> NodeTransferOrder {
        NodeTransferOrder(
            vnode: order.vnode, source: order.source, target: order.target, targetMemberID: MemberID(order.targetMemberID),
            bytesPerSecond: order.bytesPerSecond, attempt: order.attempt)
    }

    func runCoordinatorTimers() {
        coordinatorEvent { $0.tick(nowMilliseconds: now) }
    }

    /// An operator command; the reply is kept (refusals are part of some scenarios).
    @discardableResult
    public func ctl(_ command: CtlCommand) -> CtlResponse? {
        nextCtlRequestID += 1
        let requestID = nextCtlRequestID
        coordinatorEvent { $0.ctl(requestID: requestID, command, nowMilliseconds: now) }
        return ctlReplies.removeValue(forKey: requestID)
    }

    // MARK: Crash and restart

    /// The coordinator process dies: its memory is gone, its connections close. Nodes keep
    /// serving with the tables they have.
    public func crashCoordinator(restartAfterMilliseconds delay: Int64) {
        guard coordinator != nil else { return }
        if printsCoordinatorLog { print("\(here) coordinator crashed, restarts in \(delay) ms") }
        coordinator = nil
        coordinatorRestartAt = now + delay
        network.breakConnections(of: Self.coordinatorID)
        for id in upNodes { nodes[id]!.core.coordinatorConnectionLost() }
    }

    /// Decodes what was persisted, resumes with the epochs the nodes report, and lets the nodes
    /// reconnect (each says hello again).
    func restartCoordinator() {
        coordinatorRestartAt = nil
        counters.coordinatorRestarts += 1
        let configuration = Self.coordinatorConfiguration(self.configuration)
        guard let bytes = persistedState else {
            violation("the coordinator restarts with nothing persisted")
            return
        }
        let state: CoordinatorState
        do {
            state = try CoordinatorState(decoding: bytes)
        } catch {
            violation("the persisted coordinator state does not decode: \(error)")
            return
        }
        coordinator = Coordinator(recoveringWith: configuration, persisted: state)
        // The runtime learns these from the nodes' reconnects; the simulation reads them directly.
        var epochs: [NodeID: UInt64] = [:]
        for id in upNodes { if let epoch = nodes[id]!.core.epoch { epochs[id] = epoch } }
        coordinatorEvent { $0.restarted(epochsReportedByNodes: epochs, nowMilliseconds: now) }
        for id in upNodes { sayHello(from: nodes[id]!) }
    }

    /// A new coordinator connection: the node says hello (`ClusterNode` decides what it carries).
    func sayHello(from node: SimulatedNode) {
        perform(node.core.coordinatorConnectionReset(now: clusterNow), at: node)
    }

    /// The node was released: the coordinator says it is drained and holds nothing.
    public func isReleased(_ node: NodeID) -> Bool {
        guard let record = coordinator?.state.members[node] else { return false }
        return record.state == .draining(released: true) && isMembershipSettled
    }

    /// No membership change pending: no target table, no copy to make, no drop to issue.
    var isMembershipSettled: Bool {
        guard let state = coordinator?.state else { return false }
        return state.target == nil && state.copies.isEmpty && state.pendingDrops.isEmpty
    }
}
