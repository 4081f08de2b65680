import Logging
import NIOConcurrencyHelpers
import NIOCore
import RondoCluster
import RondoCore
import RondoEngine
import RondoGateway
import RondoNode
import RondoPeer
import RondoPeerTransport
import RondoProtocol
import RondoRing
import RondoStorage

/// The part of the runtime that lives on the cluster loop: the node's `ClusterNode`, its
/// coordinator session, its peer connections, the writes waiting for replication and the requests
/// forwarded to other nodes. Every method runs on `loop`; every call into `node` is followed by
/// performing its effects, in order, before anything else happens.
final class ClusterLoop {
    let configuration: ClusterRuntimeConfiguration
    let loop: any EventLoop
    let node: ClusterNode
    let engine: CommandEngine
    let store: ItemStore
    let logger: Logger
    /// What client loops route with; replaced whenever the table or reachability changes.
    let published: NIOLockedValueBox<RoutingSnapshot>
    /// Succeeds when the runtime stopped; fails when the node must exit (a vnode-count mismatch).
    let finished: EventLoopPromise<Void>
    let requestLimits: ProtocolLimits
    /// Client requests routed and failed, for the heartbeat's error rate.
    let clientCounters: ClientRequestCounters
    var clientErrorRate = ClientErrorRate()
    /// Hands an accepted in-place restart order (its binary, nil: this one) to the process's
    /// owner, which drains and re-executes; false when it cannot (the node keeps serving).
    let restartInPlace: (@Sendable (_ binaryPath: String?) -> Bool)?
    /// An in-place restart was accepted: the node is draining to re-execute; orders repeated
    /// meanwhile are ignored.
    var isRestarting = false

    /// The loop's own copy of the published snapshot.
    var snapshot = RoutingSnapshot.empty
    var coordinator: PeerClient?
    var peers: PeerConnectionPool?
    var isCoordinatorConnected = false
    var heartbeatSequence: UInt64 = 0
    var tickTask: RepeatedTask?
    var isStopped = false
    var replicationFlushScheduled = false
    var transferPumpScheduled = false

    /// Peers whose outbound connection (this node's `PeerClient`) completed its handshake.
    var connectedPeers: Set<NodeID> = []
    /// Messages emitted for peers with no connection yet (`ClusterLoop+HeldMessages`).
    var heldForPeers: [NodeID: HeldPeerMessages] = [:]
    /// Connections peers opened to this node, with the peer each came from.
    var inbound: [PeerConnectionID: (node: NodeID, connection: PeerConnection)] = [:]

    var forwards: [UInt64: PendingForward] = [:]
    /// Forwards whose answer is due, in send order: every send uses the same timeout, so the
    /// first entry is always the next to expire. Entries of forwards answered or resent since are
    /// skipped when they come up.
    var forwardDeadlines: [(id: UInt64, deadline: ClusterInstant)] = []
    var forwardDeadlinesHead = 0
    /// Forwards waiting for a newer table or a backoff after a `notOwner` answer.
    var retryingForwards: Set<UInt64> = []
    var nextForwardID: UInt64 = 0

    var localWrites: [UInt64: PendingLocalWrite] = [:]
    var localWriteOfWriteID: [WriteID: UInt64] = [:]
    var nextLocalWriteID: UInt64 = 0

    /// Outgoing transfers under way: when the order came and the body bytes sent, for the log.
    var transfersStreaming: [Int: (startedAt: ClusterInstant, bytes: Int)] = [:]
    /// When the table being installed arrived (wall clock, this thread's CPU time): its log line
    /// says how long the install held the loop (every client of this loop waits meanwhile) and
    /// how much of that was work.
    var tableArrivedAt: (wall: NIODeadline, cpuMicroseconds: Int64)?

    init(
        configuration: ClusterRuntimeConfiguration, loop: any EventLoop, store: ItemStore, engine: CommandEngine, logger: Logger,
        published: NIOLockedValueBox<RoutingSnapshot>, finished: EventLoopPromise<Void>,
        clientCounters: ClientRequestCounters = ClientRequestCounters(),
        restartInPlace: (@Sendable (_ binaryPath: String?) -> Bool)? = nil
    ) {
        self.clientCounters = clientCounters
        self.restartInPlace = restartInPlace
        self.configuration = configuration
        self.loop = loop
        self.store = store
        self.engine = engine
        self.logger = logger
        self.published = published
        self.finished = finished
        self.requestLimits = ProtocolLimits(maxItemBytes: store.configuration.maxItemBytes)
        self.node = ClusterNode(nodeID: configuration.nodeID, configuration: configuration.node, store: store, now: Self.now())
    }

    /// The node's monotonic clock.
    static func now() -> ClusterInstant {
        ClusterInstant(milliseconds: Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000))
    }

    func now() -> ClusterInstant { Self.now() }

    // MARK: - Effects

    func perform(_ effects: [NodeEffect]) {
        for effect in effects {
            switch effect {
            case .sendToPeer(let peer, let message):
                guard let wire = message.peerWireMessage else { continue }
                if case .transfer(let batch) = message { noteTransferBatch(batch, to: peer) }
                send(wire, toPeer: peer)
            case .sendToCoordinator(var message):
                if case .heartbeat(var beat) = message {
                    heartbeatSequence += 1
                    // The state machine never sees a client request; the runtime that serves
                    // them fills in how many failed.
                    beat.clientErrorsPerMillion = clientErrorRate.sample(
                        requests: clientCounters.requests, errors: clientCounters.errors)
                    message = .heartbeat(beat)
                }
                if case .transferCompleted(let vnode, let sequence, let bytes) = message {
                    logger.info("transfer completed", metadata: ["vnode": "\(vnode)", "sequence": "\(sequence)", "bytes": "\(bytes)"])
                }
                if case .transferFailed(let vnode, let target, let reason) = message {
                    logger.info("transfer failed", metadata: ["vnode": "\(vnode)", "target": "\(target)", "reason": "\(reason)"])
                }
                guard let wire = message.coordinatorWireMessage(heartbeatSequence: heartbeatSequence, sender: node.nodeID) else { continue }
                coordinator?.send(wire)
            case .completeWrite(let id):
                completeWrite(id)
            case .failWrite(let id, let error):
                failWrite(id, reason: error.description)
            case .tableInstalled(let epoch):
                tableInstalled(epoch: epoch)
            case .rebuildRequested(let vnode, let member):
                logger.info("rebuilding a replica's copy", metadata: ["vnode": "\(vnode)", "member": "\(member)"])
            case .incident(let incident):
                if let gap = incident.knownGapName {
                    logger.warning("\(incident)", metadata: ["known_gap": "\(gap)"])
                } else {
                    logger.error("\(incident)")
                }
            }
        }
    }

    /// To a peer: on this node's own connection to it when that is up; otherwise on a connection
    /// the peer opened (a joining transfer target is in no directory this node has, so only its
    /// own connection reaches it); otherwise held until one of the two exists (bounded).
    /// Generic rather than over `any PeerMessage`: the hot callers (forwarded requests and
    /// replies) pass a concrete message, which then needs no existential box.
    func send<Message: PeerMessage>(_ message: Message, toPeer peer: NodeID) {
        if connectedPeers.contains(peer), peers?.send(message, to: peer) == true { return }
        if let connection = inbound.values.first(where: { $0.node == peer })?.connection {
            connection.send(message)
            return
        }
        hold(message, for: peer)
    }

    private func noteTransferBatch(_ batch: TransferBatch, to peer: NodeID) {
        let vnode = Int(batch.vnode)
        var streaming = transfersStreaming[vnode] ?? (startedAt: now(), bytes: 0)
        streaming.bytes += batch.items.readableBytes
        transfersStreaming[vnode] = streaming
        guard batch.isLast else { return }
        transfersStreaming[vnode] = nil
        logger.info(
            "transfer streamed",
            metadata: [
                "vnode": "\(vnode)", "target": "\(peer)", "bytes": "\(streaming.bytes)",
                "ms": "\(now().milliseconds - streaming.startedAt.milliseconds)",
            ])
    }

    // MARK: - Time

    func tick() {
        guard !isStopped else { return }
        let now = self.now()
        perform(node.tick(now: now))
        scheduleTransferPumpIfReady()
        expireHeld(now: now)
        expireForwards(now: now)
        tickRetries(now: now)
    }

    /// The node pumps one transfer batch at a time (`transferBatchesPerPumpMax`); when it has more
    /// it may send now, the next pump runs after `transferPumpPause`, a delay and not an immediate
    /// task: NIO runs immediate tasks back to back, while a delayed one lets the loop wait on its
    /// sockets first, so the requests that arrived during a batch are served before the next one.
    private func scheduleTransferPumpIfReady() {
        guard node.transferBatchesMayBeReady, !transferPumpScheduled else { return }
        transferPumpScheduled = true
        loop.assumeIsolated().scheduleTask(in: Self.transferPumpPause) {
            self.transferPumpScheduled = false
            guard !self.isStopped else { return }
            self.perform(self.node.pumpTransfers(now: self.now()))
            self.scheduleTransferPumpIfReady()
        }
    }

    static let transferPumpPause = TimeAmount.microseconds(100)

    /// Sends the replication entries of the writes made in this loop iteration in one go, instead
    /// of waiting for the next tick.
    func scheduleReplicationFlush() {
        guard !replicationFlushScheduled else { return }
        replicationFlushScheduled = true
        loop.assumeIsolated().execute {
            self.replicationFlushScheduled = false
            guard !self.isStopped else { return }
            self.perform(self.node.flushReplication(now: self.now()))
        }
    }

    // MARK: - Routing snapshot

    /// Rebuilds and publishes the routing snapshot: after a table install and after any peer
    /// connection came up or went down.
    func publishSnapshot() {
        let unreachable = Set(
            node.directory.values.filter { $0.nodeID != node.nodeID && !connectedPeers.contains($0.nodeID) }.map(\.memberID))
        let snapshot = RoutingSnapshot(table: node.table, localMember: node.memberID, members: node.directory, unreachable: unreachable)
        self.snapshot = snapshot
        published.withLockedValue { $0 = snapshot }
    }

    private func tableInstalled(epoch: UInt64) {
        let installMicroseconds = tableArrivedAt.map { (NIODeadline.now() - $0.wall).nanoseconds / 1000 } ?? 0
        let installCPUMicroseconds = tableArrivedAt.map { ThreadCPUTime.nowMicroseconds() - $0.cpuMicroseconds } ?? 0
        tableArrivedAt = nil
        logger.info(
            "routing table installed",
            metadata: [
                "epoch": "\(epoch)", "member": "\(node.memberID.map { "\($0)" } ?? "none")",
                "primaries": "\(node.primaryVnodes.count)", "members": "\(node.directory.count)",
                "install_us": "\(installMicroseconds)", "install_cpu_us": "\(installCPUMicroseconds)",
            ])
        let others = node.directory.values.filter { $0.nodeID != node.nodeID }
        for member in others {
            peers?.connect(member.nodeID, host: member.peerHost, port: Int(member.peerPort))
        }
        let listed = Set(others.map(\.nodeID))
        for gone in (peers?.nodes ?? []).subtracting(listed) {
            // No event follows a disconnect: what the close would report happens here.
            _ = peers?.disconnect(gone)
            logger.info("peer left the table; disconnected", metadata: ["peer": "\(gone)"])
            if connectedPeers.remove(gone) != nil {
                perform(node.peerConnectionReset(gone, now: now()))
                failForwards(to: gone, reason: "\(gone) left the cluster")
            }
        }
        publishSnapshot()
        configuration.dataDirectory?.recordTableEpoch(epoch, logger: logger)
        tableInstalledForRetries(epoch: epoch)
    }

    // MARK: - Stopping

    /// Fails everything waiting and ends the runtime with `error` (nil: a normal stop).
    func stop(_ error: (any Error)? = nil) {
        guard !isStopped else { return }
        isStopped = true
        tickTask?.cancel()
        tickTask = nil
        for (_, entry) in inbound { entry.connection.close() }
        inbound = [:]
        let reason = "the node is stopping"
        for (_, forward) in forwards { forward.completion.fail(GatewayFailure(reason: reason)) }
        forwards = [:]
        for (_, write) in localWrites { write.promise.fail(GatewayFailure(reason: reason)) }
        localWrites = [:]
        localWriteOfWriteID = [:]
        if let error {
            finished.fail(error)
        } else {
            finished.succeed(())
        }
    }
}
