import RondoCluster
import RondoCore

/// The node's side of the control plane: hello and its answer, heartbeats, and the dispatch of
/// every incoming message.
extension ClusterNode {
    /// A message from a peer node.
    public func receive(_ message: NodeMessage, from peer: NodeID, now: ClusterInstant) -> [NodeEffect] {
        switch message {
        case .replication(let batch): receiveReplication(batch, from: peer, now: now)
        case .replicationAck(let ack): receiveAck(ack, from: peer, now: now)
        case .transfer(let batch): receiveTransfer(batch, from: peer, now: now)
        case .replicaHello(let vnode, let sequence, let epoch):
            receiveReplicaHello(vnode: vnode, appliedThrough: sequence, epoch: epoch, from: peer, now: now)
        case .transferCountsNow(let vnode, let sequence, let bytes): confirmTransfer(vnode: vnode, sequence: sequence, bytes: bytes)
        case .helloAnswer, .table, .transferOrder, .drop, .hello, .epochAcknowledged, .heartbeat, .transferCompleted,
            .transferFailed:
            emit(.incident(.misdirectedMessage("\(message) from peer \(peer)")))
        }
        return drainEffects()
    }

    /// A message from the coordinator.
    public func receiveFromCoordinator(_ message: NodeMessage, now: ClusterInstant) -> [NodeEffect] {
        switch message {
        case .helloAnswer(let accepted, let startEmpty): receiveHelloAnswer(accepted: accepted, startEmpty: startEmpty, now: now)
        case .table(let update): install(update, now: now)
        case .transferOrder(let order): startTransfer(order, now: now)
        case .drop(let vnode): drop(vnode)
        case .replication, .replicationAck, .transfer, .replicaHello, .transferCountsNow, .hello, .epochAcknowledged,
            .heartbeat, .transferCompleted, .transferFailed:
            emit(.incident(.misdirectedMessage("\(message) from the coordinator")))
        }
        return drainEffects()
    }

    /// A (new) connection to the coordinator: say hello, with whether this process holds no data
    /// and the newest table epoch it installed. Also the first thing a started node does.
    public func coordinatorConnectionReset(now: ClusterInstant) -> [NodeEffect] {
        sayHello()
        return drainEffects()
    }

    /// The coordinator connection closed: not admitted until a new hello is accepted, and no
    /// heartbeat or hello goes out meanwhile.
    public func coordinatorConnectionLost() {
        isAdmitted = false
        helloDueAt = nil
    }

    /// Time passes: hello retry after a refusal, heartbeat, primaries' timers (resend, time
    /// writes out, flush), transfer batches the throttle allows.
    public func tick(now: ClusterInstant) -> [NodeEffect] {
        if !isAdmitted, let due = helloDueAt, due <= now { sayHello() }
        if isAdmitted, nextHeartbeatAt <= now {
            nextHeartbeatAt = now.adding(milliseconds: configuration.heartbeatIntervalMilliseconds)
            emit(.sendToCoordinator(.heartbeat(heartbeat)))
        }
        tickPrimaries(now: now)
        sendTransferBatches(now: now)
        stepDrops()
        stepRetiredLogs()
        return drainEffects()
    }

    /// The heartbeat as of now. Sizes are read per held vnode (O(1) each under its shard's lock),
    /// so a heartbeat costs time proportional to the copies the node holds, not to its items.
    public var heartbeat: NodeHeartbeat {
        let applied = appliedSequences
        var vnodeBytes: [Int: UInt64] = [:]
        vnodeBytes.reserveCapacity(applied.count)
        for vnode in applied.keys { vnodeBytes[vnode] = UInt64(max(0, store.bytes(inVnode: vnode))) }
        return NodeHeartbeat(
            appliedSequences: applied, vnodeBytes: vnodeBytes, memoryLimitBytes: UInt64(max(0, store.memoryLimitBytes)),
            memoryUsedBytes: UInt64(max(0, store.memoryUsedBytes)))
    }

    func sayHello() {
        isAdmitted = false
        helloDueAt = nil
        emit(.sendToCoordinator(.hello(holdsNoData: holdsNoData, tableEpoch: table?.epoch ?? configuration.previousRunTableEpoch)))
    }

    func receiveHelloAnswer(accepted: Bool, startEmpty: Bool, now: ClusterInstant) {
        guard accepted else {
            // Refused (e.g. the coordinator still sees the previous incarnation): try again later.
            helloDueAt = now.adding(milliseconds: configuration.helloRetryAfterMilliseconds)
            return
        }
        if startEmpty { discardEverything() }
        isAdmitted = true
        holdsNoData = false
    }

    /// Drops every copy: the coordinator said this node starts empty.
    func discardEverything() {
        for vnode in 0..<store.configuration.vnodeCount.value { store.dropVnode(vnode) }
        pendingDrops = []
        primaries = [:]
        appliers = [:]
        incoming = [:]
        outgoing = [:]
        pendingTransfers = [:]
        transferBytes = [:]
        // The copies it streamed are gone: their scheduler slots are free again.
        scheduler = TransferScheduler(concurrency: scheduler.concurrency, queuedMax: scheduler.queuedMax)
    }
}
