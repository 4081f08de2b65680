import NIOCore
import RondoCluster
import RondoCoordinator
import RondoCore
import RondoNode
import RondoPeer
import RondoRing

/// A whole cluster in one process: the coordinator (`Coordinator`) and the nodes (`RondoCluster`
/// state machines over `ItemStore`s), a seeded network between them, clients, and faults. One
/// `SplitMix64` drives every choice and the clock is the simulation's, so a seed replays exactly.
/// The invariants (`checkInvariants`) run after every step; violations name the seed and step.
public final class SimulatedCluster {
    public static let coordinatorID = NodeID("coordinator")!
    static let clusterName = "sim"
    /// Violations kept; a run stops collecting after this many (the first ones matter).
    static let violationsMax = 20

    public let configuration: SimulationConfiguration
    let vnodeCount: VnodeCount
    var generator: SplitMix64
    public internal(set) var now: Int64 = 0
    var network: SeededNetwork<NodeID, SimulatedMessage>
    /// Nil while the coordinator is crashed.
    var coordinator: Coordinator?
    /// What the coordinator's last `.persist` wrote: all a restarted coordinator has.
    var persistedState: [UInt8]?
    var coordinatorRestartAt: Int64?
    var nodes: [NodeID: SimulatedNode] = [:]
    var nodeOrder: [NodeID] = []
    var clients: [SimulatedClient]
    let keys: [ByteBuffer]
    var model: AcknowledgedWriteModel
    var nextRequestID: UInt64 = 0
    /// The apply order of the latest execution of each write request (simulation bookkeeping).
    var appliedOrderOfRequest: [UInt64: UInt64] = [:]
    var nextCtlRequestID: UInt64 = 0
    var ctlReplies: [UInt64: CtlResponse] = [:]
    /// Random faults may be injected (the noisy phase); off while settling.
    public var faultsEnabled = true
    /// Clients start new operations; off while bootstrapping and settling.
    public var clientsEnabled = true
    /// Random membership changes under way: nodes to join once connected, to leave once released.
    var pendingJoins: Set<NodeID> = []
    var pendingLeaves: Set<NodeID> = []
    var highestPushedEpoch: UInt64 = 0
    var nodeEpochs: [NodeID: UInt64] = [:]
    public internal(set) var counters = SimulationCounters()
    public internal(set) var violations: [String] = []
    /// Known, named gaps the run met (see docs/simulation.md): reported, never silently skipped.
    public internal(set) var knownGaps: [String: Int] = [:]
    /// The operator's side of a rolling upgrade: the binary an external restart starts (nil:
    /// the order's, else the node's own), and nodes whose process, once stopped for a restart,
    /// never starts again.
    public var operatorBinaryPath: String?
    /// Prints the coordinator's log lines (`RONDO_SIM_LOG=1`, for replaying one seed).
    public var printsCoordinatorLog = false
    public var nodesThatNeverReturn: Set<NodeID> = []

    public init(configuration: SimulationConfiguration) {
        precondition(configuration.initialNodeCount >= 1 && configuration.initialNodeCount <= configuration.nodeCountMax)
        self.configuration = configuration
        vnodeCount = try! VnodeCount(configuration.vnodeCount)
        generator = SplitMix64(seed: configuration.seed)
        network = SeededNetwork(
            dropPercent: configuration.dropPercent, duplicatePercent: configuration.duplicatePercent,
            delayMaxMilliseconds: configuration.delayMaxMilliseconds)
        keys = (0..<configuration.keyCount).map { ByteBuffer(string: "key-\($0)") }
        clients = (0..<configuration.clientCount).map { SimulatedClient(index: $0) }
        model = AcknowledgedWriteModel(keyCount: configuration.keyCount, clientCount: configuration.clientCount)
        coordinator = Self.makeCoordinator(configuration, vnodeCount: vnodeCount)
    }

    static func coordinatorConfiguration(_ configuration: SimulationConfiguration) -> CoordinatorConfiguration {
        CoordinatorConfiguration(
            localNodeID: coordinatorID, downAfterMilliseconds: configuration.downAfterMilliseconds,
            transferTimeoutMilliseconds: configuration.transferTimeoutMilliseconds, transferAttemptsMax: 3,
            failedCopyRetryAfterMilliseconds: 5_000, checksInvariants: true)
    }

    private static func makeCoordinator(_ configuration: SimulationConfiguration, vnodeCount: VnodeCount) -> Coordinator {
        var coordinator = Coordinator(
            configuration: coordinatorConfiguration(configuration), clusterName: clusterName, vnodeCount: vnodeCount,
            replicaCount: configuration.replicaCount)
        // Small vnodes: a tight transfer budget still finishes copies within a second or so.
        _ = coordinator.ctl(requestID: 0, .setTransferLimits(concurrencyPerNode: 2, bytesPerSecond: 4 << 20), nowMilliseconds: 0)
        return coordinator
    }

    /// "seed S step N t=T ms": the prefix of every violation, enough to replay it.
    var here: String { "seed \(configuration.seed) step \(counters.steps) t=\(now)ms" }

    func violation(_ message: String) {
        guard violations.count < Self.violationsMax else { return }
        violations.append("\(here): \(message)")
    }

    func knownGap(_ name: String) {
        knownGaps[name, default: 0] += 1
    }

    var clusterNow: ClusterInstant { ClusterInstant(milliseconds: now) }

    /// The nodes in the order they were added.
    public var nodeIDs: [NodeID] { nodeOrder }

    var upNodes: [NodeID] { nodeOrder.filter { nodes[$0]!.isUp } }

    // MARK: Driving

    /// Starts `initialNodeCount` nodes and joins them one by one, running until each join is
    /// complete. Returns false (with a violation) if that does not finish in time.
    @discardableResult
    public func bootstrap() -> Bool {
        let (faults, clientsOn) = (faultsEnabled, clientsEnabled)
        (faultsEnabled, clientsEnabled) = (false, false)
        defer { (faultsEnabled, clientsEnabled) = (faults, clientsOn) }
        for index in 0..<configuration.initialNodeCount {
            let node = addNode()
            guard run(until: { self.coordinator?.state.members[node]?.memberID != nil || self.isConnected(node) }, millisecondsMax: 5_000)
            else { return false }
            ctl(.join(node))
            guard run(until: { self.isMembershipSettled }, millisecondsMax: 20_000) else {
                violation("join of node \(index) did not complete")
                return false
            }
        }
        return true
    }

    func isConnected(_ node: NodeID) -> Bool {
        coordinator?.state.members[node]?.connected == true
    }

    /// One step: time passes, due messages arrive, timers fire, clients act, faults strike (when
    /// enabled), then every invariant is checked.
    public func step() {
        counters.steps += 1
        now += Int64.random(in: 1...configuration.stepMillisecondsMax, using: &generator)
        restartDueProcesses()
        deliverDueMessages()
        runCoordinatorTimers()
        for id in upNodes { runNodeTimers(nodes[id]!) }
        runClients()
        runDrains()
        if faultsEnabled { injectFaults() } else { followUpMembershipChanges() }
        checkInvariants()
    }

    /// Steps until `condition` holds; false when `millisecondsMax` of simulated time pass first.
    @discardableResult
    public func run(until condition: () -> Bool, millisecondsMax: Int64) -> Bool {
        let deadline = now + millisecondsMax
        while now < deadline {
            if condition() { return true }
            step()
        }
        return condition()
    }

    /// Runs with faults for `milliseconds` of simulated time.
    public func run(milliseconds: Int64) {
        let end = now + milliseconds
        while now < end { step() }
    }

    /// Stops faults, heals the network, restarts what is down, and runs until the cluster is
    /// quiet; then checks that every vnode is fully replicated with every acknowledged write.
    /// A cluster that does not settle within `settleMillisecondsMax` is a violation.
    @discardableResult
    public func settleAndCheck() -> Bool {
        faultsEnabled = false
        clientsEnabled = false
        network.healIsolation()
        network.dropPercent = 0
        network.duplicatePercent = 0
        if coordinator == nil { coordinatorRestartAt = min(coordinatorRestartAt ?? now, now) }
        guard run(until: { self.isQuiet }, millisecondsMax: configuration.settleMillisecondsMax) else {
            violation("the cluster did not settle within \(configuration.settleMillisecondsMax) ms: \(quietBlocker ?? "now quiet")")
            return false
        }
        checkQuietInvariants()
        return violations.isEmpty
    }

    // MARK: Delivery

    private func deliverDueMessages() {
        for envelope in network.takeDue(now: now) {
            if envelope.to == Self.coordinatorID {
                deliverToCoordinator(envelope)
            } else if let node = nodes[envelope.to], node.isUp {
                deliver(envelope, to: node)
            }
        }
    }

    private func deliver(_ envelope: SeededEnvelope<NodeID, SimulatedMessage>, to node: SimulatedNode) {
        switch envelope.message {
        case .node(let message):
            guard let message = throughTheWire(message, from: envelope.from, to: node) else { return }
            if envelope.from == Self.coordinatorID {
                perform(node.core.receiveFromCoordinator(message, now: clusterNow), at: node)
            } else {
                perform(node.core.receive(message, from: envelope.from, now: clusterNow), at: node)
            }
        case .forwarded(let request): execute(request, at: node, entryNode: envelope.from)
        case .reply(let requestID, let reply): resolve(requestID: requestID, reply: reply, entryNode: node.nodeID)
        case .restart(let order): receiveRestartOrder(order, at: node)
        }
    }

    /// Batches pass through the peer codec, as on the wire: what a node receives is what the
    /// frame decoder would give it.
    private func throughTheWire(_ message: NodeMessage, from sender: NodeID, to node: SimulatedNode) -> NodeMessage? {
        do {
            switch message {
            case .replication(let batch):
                let frame = batch.frame()
                countReplicationBatch(frame, from: sender, to: node)
                return .replication(try ReplicationBatch(decoding: frame))
            case .transfer(let batch): return .transfer(try TransferBatch(decoding: batch.frame()))
            default: return message
            }
        } catch {
            violation("\(node.nodeID): a batch did not survive the peer codec: \(error)")
            return nil
        }
    }

    /// Counts a delivered batch by its form on the wire and by the versions of its two ends. An
    /// LZ4 batch to a build that does not offer `replication.lz4-batches` breaks the feature
    /// gate's promise (a 0.1.0 node happens to decode it, but the next reader might not).
    private func countReplicationBatch(_ frame: PeerFrame, from sender: NodeID, to node: SimulatedNode) {
        if frame.fields.contains(where: { $0.tag == ReplicationBatch.Tag.itemsLZ4 }) {
            counters.replicationBatchesLZ4 += 1
            if !node.build.features.contains(.replicationLZ4Batches) {
                violation("\(sender) sent an LZ4 replication batch to \(node.nodeID), whose build \(node.build) does not offer it")
            }
        } else {
            counters.replicationBatchesPlain += 1
        }
        if let from = nodes[sender]?.build.softwareVersion {
            counters.replicationBatchesByVersions["\(from)->\(node.build.softwareVersion)", default: 0] += 1
        }
    }

    func send(_ message: SimulatedMessage, from: NodeID, to: NodeID) {
        network.send(message, from: from, to: to, now: now, stream: !message.isDatagram, using: &generator)
    }
}
