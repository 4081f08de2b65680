import Logging
import NIOCore
import NIOPosix
import RondoCoordinator
import RondoCore
import RondoPeer
import RondoPeerTransport

/// The `Coordinator` state machine wired to sockets and disk. Confined to one event loop: every
/// connection event, tick and persistence completion runs there, so the state machine sees one
/// event at a time.
///
/// Actions are performed strictly in order across events. A `.persist` is written (on the thread
/// pool) before any action after it goes out; actions of later events wait behind it, so nothing
/// the network sees can be ahead of the disk.
final class CoordinatorRuntime {
    private enum Phase {
        case recovering(RecoveryWindow)
        case serving
        case stopped
    }

    /// An action and, for the event that admits a connection, that connection (answerHello names
    /// a node; several ctl sessions may share one name).
    private struct PendingAction {
        var action: CoordinatorAction
        var admitting: PeerConnection?
    }

    /// Ticks between heartbeats to every node session (nodes notice a silent coordinator).
    private static let heartbeatEveryTicks = 10
    /// Actions waiting behind a write. Most events produce none; this many means the disk has
    /// stalled for long, and waiting on would only grow memory: the coordinator stops instead.
    static let pendingActionsMax = 100_000

    private var coordinator: Coordinator
    private var phase: Phase
    private let configuration: CoordinatorServerConfiguration
    private let loop: any EventLoop
    private let stateFile: CoordinatorStateFile
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    /// Succeeds on `stop()`, fails when the state cannot be persisted (the process must exit).
    let finished: EventLoopPromise<Void>

    private var nodeSessions: [NodeID: PeerConnection] = [:]
    private var nodeOfConnection: [PeerConnectionID: NodeID] = [:]
    private var ctlSessions: [PeerConnectionID: PeerConnection] = [:]
    /// Internal ctl request id → the session and the id it used.
    private var ctlRequests: [UInt64: (connection: PeerConnection, requestID: UInt64)] = [:]
    private var nextCtlRequestID: UInt64 = 0
    private var queue: [PendingAction] = []
    private var queueHead = 0
    private var isPersisting = false
    private var isDraining = false
    private var ticks = 0
    private var tickTask: Scheduled<Void>?

    init(
        configuration: CoordinatorServerConfiguration, persisted: CoordinatorState?, loop: any EventLoop,
        threadPool: NIOThreadPool, logger: Logger, clock: @escaping @Sendable () -> Int64
    ) {
        self.configuration = configuration
        self.loop = loop
        self.stateFile = CoordinatorStateFile(directory: configuration.stateDirectory)
        self.threadPool = threadPool
        self.logger = logger
        self.clock = clock
        self.finished = loop.makePromise(of: Void.self)
        if let persisted {
            coordinator = Coordinator(recoveringWith: configuration.coordinator, persisted: persisted)
            let live = persisted.members.values.filter { $0.state.isLive && $0.memberID != nil }.map(\.nodeID)
            phase = .recovering(
                RecoveryWindow(
                    waitingFor: Set(live), deadlineMilliseconds: clock() + configuration.coordinator.downAfterMilliseconds))
            let flags = (configuration.clusterName, configuration.vnodeCount, configuration.replicaCount)
            if flags != (persisted.clusterName, persisted.vnodeCount, persisted.replicaCount) {
                logger.warning(
                    "the state file's cluster layout wins over the command line",
                    metadata: [
                        "cluster": "\(persisted.clusterName)", "vnodes": "\(persisted.vnodeCount)", "replicas": "\(persisted.replicaCount)",
                    ])
            }
            logger.info(
                "recovering from the state file",
                metadata: ["epoch": "\(persisted.epoch)", "members": "\(persisted.members.count)", "waiting_for": "\(live.count)"])
        } else {
            coordinator = Coordinator(
                configuration: configuration.coordinator, clusterName: configuration.clusterName,
                vnodeCount: configuration.vnodeCount, replicaCount: configuration.replicaCount)
            phase = .serving
        }
    }

    /// Starts the tick; a new cluster serves at once, a recovered one after its window.
    func start() {
        loop.preconditionInEventLoop()
        if case .serving = phase { applyTransferLimitFlags() }
        scheduleTick()
    }

    private func scheduleTick() {
        tickTask = loop.assumeIsolated().scheduleTask(in: configuration.tickInterval) { [self] in
            guard !self.isStopped else { return }
            self.tick()
            self.scheduleTick()
        }
    }

    func stop() {
        loop.preconditionInEventLoop()
        guard !isStopped else { return }
        if case .recovering(let window) = phase { for (connection, _) in window.held { connection.close() } }
        phase = .stopped
        tickTask?.cancel()
        for connection in nodeSessions.values { connection.close() }
        for connection in ctlSessions.values { connection.close() }
        finished.succeed(())
    }

    private var isStopped: Bool {
        if case .stopped = phase { return true }
        return false
    }

    // MARK: - Connection events

    func handle(_ connection: PeerConnection, _ event: PeerChannelEvent) {
        loop.preconditionInEventLoop()
        guard !isStopped else {
            connection.close()
            return
        }
        switch event {
        case .admissionRequested(let hello):
            admissionRequested(connection, hello)
        case .established(let session):
            established(connection, session)
        case .message(let message):
            received(message, on: connection)
        case .closed(let reason):
            closed(connection, reason)
        }
    }

    private func admissionRequested(_ connection: PeerConnection, _ hello: Hello) {
        if case .recovering(var window) = phase {
            window.hold(connection, hello)
            phase = .recovering(window)
            endRecoveryIfDone()
            return
        }
        admit(connection, hello)
    }

    private func admit(_ connection: PeerConnection, _ hello: Hello) {
        let host = hello.advertisedHost ?? connection.remoteAddress?.ipAddress ?? "unknown"
        let addresses = MemberAddresses(
            client: NodeAddress(host: host, port: hello.clientPort ?? 0), peer: NodeAddress(host: host, port: hello.peerPort ?? 0))
        let actions = coordinator.nodeConnected(
            hello: hello, addresses: addresses, holdsNoData: hello.holdsNoData, nowMilliseconds: clock())
        // A refused or ignored event (say, during recovery) still owes the peer an answer.
        let answered = actions.contains { if case .answerHello = $0 { return true } else { return false } }
        enqueue(actions, admitting: connection)
        if !answered {
            connection.admit(.refuse(.malformed(detail: "the coordinator cannot admit peers right now")))
        }
    }

    private func established(_ connection: PeerConnection, _ session: PeerSession) {
        guard let hello = session.peerHello else { return }
        switch hello.role {
        case .ctl:
            ctlSessions[connection.id] = connection
        case .node, .coordinator:
            if let previous = nodeSessions[hello.nodeID], previous !== connection {
                nodeOfConnection[previous.id] = nil
                previous.close()
            }
            nodeSessions[hello.nodeID] = connection
            nodeOfConnection[connection.id] = hello.nodeID
            logger.info("node session established", metadata: ["node": "\(hello.nodeID)", "connection": "\(connection)"])
        }
    }

    private func closed(_ connection: PeerConnection, _ reason: PeerDisconnectReason) {
        ctlSessions[connection.id] = nil
        guard let node = nodeOfConnection.removeValue(forKey: connection.id) else { return }
        logger.info("node session closed", metadata: ["node": "\(node)", "reason": "\(reason)"])
        guard nodeSessions[node] === connection else { return }
        nodeSessions[node] = nil
        event { $0.nodeDisconnected(node, nowMilliseconds: $1) }
    }

    private func received(_ message: PeerInboundMessage, on connection: PeerConnection) {
        if let node = nodeOfConnection[connection.id] {
            receivedFromNode(message, node: node)
        } else if ctlSessions[connection.id] != nil {
            receivedFromCtl(message, on: connection)
        }
    }

    private func receivedFromNode(_ message: PeerInboundMessage, node: NodeID) {
        switch message {
        case .heartbeat(let heartbeat):
            let memory = heartbeat.memoryLimitBytes.flatMap { limit in
                heartbeat.memoryUsedBytes.map { NodeMemoryReport(limitBytes: limit, usedBytes: $0) }
            }
            event {
                $0.heartbeat(
                    node, nowMilliseconds: $1, appliedSequences: heartbeat.appliedSequences, vnodeBytes: heartbeat.vnodeBytes,
                    memory: memory, clientErrorsPerMillion: heartbeat.clientErrorsPerMillion)
            }
        case .epochAcknowledged(let acknowledged):
            event { $0.nodeAcknowledgedEpoch(node, epoch: acknowledged.epoch, nowMilliseconds: $1) }
        case .transferCompleted(let done):
            event {
                $0.transferCompleted(vnode: done.vnode, target: node, sequence: done.sequence, bytes: done.bytes, nowMilliseconds: $1)
            }
        case .transferFailed(let failed):
            // A source that could not make the copy names its target; a target reports itself.
            event { $0.transferFailed(vnode: failed.vnode, target: failed.target ?? node, reason: failed.reason, nowMilliseconds: $1) }
        case .error(let error):
            logger.info("error frame from node", metadata: ["node": "\(node)", "code": "\(error.code)", "text": "\(error.text)"])
        default:
            logger.debug("ignored a message the coordinator does not take", metadata: ["node": "\(node)", "message": "\(message)"])
        }
    }

    private func receivedFromCtl(_ message: PeerInboundMessage, on connection: PeerConnection) {
        guard case .ctlRequest(let request) = message else { return }
        nextCtlRequestID += 1
        let internalID = nextCtlRequestID
        ctlRequests[internalID] = (connection, request.requestID)
        let command = CtlCommand(request.command)
        event { $0.ctl(requestID: internalID, command, nowMilliseconds: $1) }
    }

    // MARK: - Time

    private func tick() {
        guard !isStopped else { return }
        if case .recovering = phase {
            endRecoveryIfDone()
            return
        }
        event { $0.tick(nowMilliseconds: $1) }
        ticks += 1
        if ticks % Self.heartbeatEveryTicks == 0 {
            let heartbeat = Heartbeat(sequence: UInt64(ticks / Self.heartbeatEveryTicks))
            for connection in nodeSessions.values { connection.send(heartbeat) }
        }
    }

    private func endRecoveryIfDone() {
        guard case .recovering(let window) = phase, window.isOver(nowMilliseconds: clock()) else { return }
        phase = .serving
        let epochs = window.reportedEpochs
        logger.info("recovery window over", metadata: ["hellos": "\(window.held.count)", "missing": "\(window.waitingFor.sorted())"])
        event { $0.restarted(epochsReportedByNodes: epochs, nowMilliseconds: $1) }
        applyTransferLimitFlags()
        for (connection, hello) in window.held where connection.channel.isActive {
            admit(connection, hello)
        }
    }

    private func applyTransferLimitFlags() {
        guard configuration.transferConcurrencyPerNode != nil || configuration.transferBytesPerSecond != nil else { return }
        let current = coordinator.state.transferLimits
        let command = CtlCommand.setTransferLimits(
            concurrencyPerNode: configuration.transferConcurrencyPerNode ?? current.concurrencyPerNode,
            bytesPerSecond: configuration.transferBytesPerSecond ?? current.bytesPerSecond)
        nextCtlRequestID += 1
        let internalID = nextCtlRequestID
        event { $0.ctl(requestID: internalID, command, nowMilliseconds: $1) }
    }

    // MARK: - Actions

    private func event(_ body: (inout Coordinator, Int64) -> [CoordinatorAction]) {
        let actions = body(&coordinator, clock())
        enqueue(actions, admitting: nil)
    }

    private func enqueue(_ actions: [CoordinatorAction], admitting: PeerConnection?) {
        guard !isStopped else { return }
        guard queue.count - queueHead + actions.count <= Self.pendingActionsMax else {
            fail(CoordinatorRuntimeError.persistenceStalled(pendingActions: queue.count - queueHead))
            return
        }
        queue.append(contentsOf: actions.map { PendingAction(action: $0, admitting: admitting) })
        drain()
    }

    /// Stops serving and ends `run()` with `error`: the state can no longer be kept durable.
    private func fail(_ error: any Error) {
        logger.critical("cannot persist the coordinator state; stopping", metadata: ["error": "\(error)"])
        phase = .stopped
        tickTask?.cancel()
        for connection in nodeSessions.values { connection.close() }
        for connection in ctlSessions.values { connection.close() }
        finished.fail(error)
    }

    /// Performs queued actions in order; stops at a `.persist` until the write completes.
    private func drain() {
        // Performing an action may re-enter (an admission establishes a session synchronously);
        // the outer loop performs whatever that queued.
        guard !isDraining else { return }
        isDraining = true
        defer { isDraining = false }
        while !isPersisting, queueHead < queue.count {
            let next = queue[queueHead]
            queueHead += 1
            perform(next)
        }
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
    }

    private func perform(_ pending: PendingAction) {
        switch pending.action {
        case .persist(let state):
            persist(state)
        case .answerHello(let node, let decision, let startEmpty):
            guard let connection = pending.admitting else {
                logger.warning("an admission answer without its connection", metadata: ["node": "\(node)"])
                return
            }
            connection.admit(answer(decision, startEmpty: startEmpty))
        case .pushTable(let push):
            let update = RoutingTableUpdate(push)
            for recipient in push.recipients {
                nodeSessions[recipient]?.send(update)
            }
        case .startTransfer(let order):
            if let source = nodeSessions[order.source] {
                source.send(TransferOrderMessage(order))
            } else {
                logger.info("transfer source not connected; the transfer will time out and retry", metadata: ["source": "\(order.source)", "vnode": "\(order.vnode)"])
            }
        case .dropVnode(let node, let vnode):
            nodeSessions[node]?.send(DropVnode(vnode: vnode))
        case .restartNode(let node, let binaryPath, let mode, let deadline):
            // The node gets the time left, not the deadline: the two clocks are not compared.
            let timeout = UInt64(max(1, deadline - clock()))
            if let session = nodeSessions[node] {
                session.send(RestartNode(node: node, binaryPath: binaryPath, mode: mode, timeoutMilliseconds: timeout))
            } else {
                logger.warning("restart order for a node that is not connected; the upgrade waits until its deadline", metadata: ["node": "\(node)"])
            }
        case .reply(let requestID, let response):
            if let (connection, clientID) = ctlRequests.removeValue(forKey: requestID) {
                connection.send(CtlReply(requestID: clientID, response))
            } else {
                logger.info("\(response)")
            }
        case .log(let level, let message):
            logger.log(level: Logger.Level(level), "\(message)")
        }
    }

    private func answer(_ decision: HandshakeDecision, startEmpty: Bool) -> PeerAdmissionAnswer {
        switch decision {
        case .accept(let version, let features):
            let build = configuration.coordinator.build
            return .accept(
                HelloAccepted(
                    protocolVersion: version, connectionFeatures: features,
                    acceptorNodeID: configuration.coordinator.localNodeID, acceptorSoftwareVersion: build.softwareVersion,
                    // The cluster's, not this build's: a node learns from it what the members share.
                    clusterActiveVersion: ActiveVersion(
                        protocolVersion: build.protocolVersions.upperBound,
                        features: coordinator.activeFeatures.isEmpty ? build.features : coordinator.activeFeatures),
                    clusterFinalizedVersion: coordinator.state.finalizedVersion, startEmpty: startEmpty))
        case .refuse(let refusal):
            return .refuse(refusal)
        }
    }

    private func persist(_ state: CoordinatorState) {
        isPersisting = true
        let bytes = state.encoded()
        let file = stateFile
        threadPool.runIfActive(eventLoop: loop) {
            try file.write(bytes)
        }.assumeIsolated().whenComplete { [self] result in
            self.isPersisting = false
            switch result {
            case .success:
                self.drain()
            case .failure(let error):
                self.fail(error)
            }
        }
    }
}

extension Logger.Level {
    init(_ level: LogLevel) {
        switch level {
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        }
    }
}
