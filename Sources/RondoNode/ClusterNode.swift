import NIOCore
import RondoCluster
import RondoCore
import RondoPeer
import RondoRing
import RondoStorage

/// One node's cluster logic as one deterministic state machine: it composes the `RondoCluster`
/// state machines (a `VnodePrimaryReplicator` per vnode it is primary of, a `VnodeReplicaApplier`
/// per other copy, a `VnodeTransferTarget` per copy being filled, `VnodeTransferSource`s under a
/// `TransferScheduler` and a `TransferThrottle`) around the node's `ItemStore`, installs tables,
/// answers replica hellos, pumps transfers and heartbeats. Time comes in as `ClusterInstant`
/// arguments; everything to send or answer goes out as `NodeEffect`s. The NIO runtime and the
/// whole-cluster simulation drive the same code.
///
/// Not `Sendable`: its owner confines it to one thread or event loop. A crash is a new
/// `ClusterNode` over a new store.
public final class ClusterNode {
    /// An outgoing transfer: the source state machine and the node it streams to.
    struct OutgoingTransfer {
        var source: VnodeTransferSource
        var targetNode: NodeID
        /// The coordinator's rate for this copy (`TransferOrder.bytesPerSecond`, its cluster-wide
        /// budget split over the copies in flight, changed at run time by `ctl transfer-limits`),
        /// on top of the node's own throttle. Nil for a rebuild the node started itself.
        var orderedRate: TransferThrottle?
    }

    /// A transfer waiting for a scheduler slot.
    struct PendingTransfer {
        var targetNode: NodeID
        /// The ordered rate in bytes per second, nil for a rebuild the node started itself.
        var orderedBytesPerSecond: Int?
    }

    /// A replica hello from a newer epoch than the node's table.
    struct ParkedHello {
        var from: NodeID
        var vnode: Int
        var appliedThrough: UInt64
        var epoch: UInt64
    }

    public let nodeID: NodeID
    public let configuration: ClusterNodeConfiguration
    public let store: ItemStore
    /// The installed table; nil until the first arrives.
    public internal(set) var table: RoutingTable?
    /// This node's member number, once a table (or the coordinator) named it.
    public internal(set) var memberID: MemberID?
    /// The installed table's members by number.
    public internal(set) var directory: [MemberID: NodeMember] = [:]
    /// Member numbers of the nodes this one knows: the directory's, and transfer targets'
    /// (a joining node is in no table yet).
    var memberIDs: [NodeID: MemberID] = [:]
    /// The coordinator accepted this process's hello (on the current coordinator connection).
    public internal(set) var isAdmitted = false
    /// A process no coordinator admitted yet: it holds no copy, and says so in its hello.
    public internal(set) var holdsNoData = true
    var helloDueAt: ClusterInstant?
    var nextHeartbeatAt: ClusterInstant
    var primaries: [Int: VnodePrimaryReplicator] = [:]
    /// Primaries changed since the last `flushReplication` or `tick`: the ones a flush visits.
    var primariesWrittenSinceFlush: Set<Int> = []
    /// Copies held without being their primary (listed secondaries, and old holders waiting to
    /// drop).
    var appliers: [Int: VnodeReplicaApplier] = [:]
    var incoming: [Int: VnodeTransferTarget] = [:]
    /// Copies the coordinator dropped whose items are still being freed, a few per `tick`
    /// (`dropItemsPerTickMax`), oldest first. Nothing reads them meanwhile; a copy that comes back
    /// (a transfer to this node, a table listing it) is first dropped whole.
    var pendingDrops: [Int] = []
    /// Logs of primaries this node resigned, freed a few entries per `tick`
    /// (`retiredLogEntriesPerTickMax`), oldest first.
    var retiredLogs: [RetiredReplicationLog] = []
    var outgoing: [ScheduledTransfer: OutgoingTransfer] = [:]
    /// The last pump of the outgoing transfers stopped at `transferBatchesPerPumpMax`, not at the
    /// throttles: the runtime pumps again soon (`pumpTransfers(now:)`) instead of at the next tick,
    /// after letting its loop serve requests.
    public internal(set) var transferBatchesMayBeReady = false
    /// Transfers waiting for a scheduler slot.
    var pendingTransfers: [ScheduledTransfer: PendingTransfer] = [:]
    /// Body bytes of finished outgoing transfers, until the completion is reported.
    var transferBytes: [ScheduledTransfer: UInt64] = [:]
    var scheduler: TransferScheduler
    var throttle: TransferThrottle
    var parkedHellos: [ParkedHello] = []
    /// The cluster's active features from the newest table push (`NodeTableUpdate`).
    public internal(set) var activeFeatures: Set<FeatureName> = []
    /// The highest finalized version any push named: finalize is never undone, so an older push
    /// delivered late does not lower it.
    public internal(set) var finalizedVersion: SemanticVersion?
    var nextWriteID: UInt64 = 0
    /// Effects of the event being handled; every public entry point drains it.
    var effects: [NodeEffect] = []

    public init(nodeID: NodeID, configuration: ClusterNodeConfiguration, store: ItemStore, now: ClusterInstant) {
        self.nodeID = nodeID
        self.configuration = configuration
        self.store = store
        scheduler = TransferScheduler(concurrency: configuration.transferConcurrency, queuedMax: configuration.transferQueuedMax)
        throttle = TransferThrottle(
            bytesPerSecond: configuration.transferBytesPerSecond, burstBytes: configuration.transferBurstBytes, now: now)
        nextHeartbeatAt = now
    }

    func emit(_ effect: NodeEffect) {
        effects.append(effect)
    }

    func drainEffects() -> [NodeEffect] {
        defer { effects = [] }
        return effects
    }

    // MARK: Read-only views (runtime status, simulation invariants)

    /// The installed table's epoch.
    public var epoch: UInt64? { table?.epoch }

    /// The highest contiguous sequence this node holds of each vnode it holds: the heartbeat.
    public var appliedSequences: [Int: UInt64] {
        var sequences: [Int: UInt64] = [:]
        for (vnode, applier) in appliers { sequences[vnode] = applier.appliedThrough }
        for (vnode, primary) in primaries { sequences[vnode] = primary.lastSequence }
        return sequences
    }

    /// Vnodes whose replicator runs here.
    public var primaryVnodes: [Int] { primaries.keys.sorted() }

    public func replicator(of vnode: Int) -> VnodePrimaryReplicator? { primaries[vnode] }

    /// The applied sequence of a copy held as a replica (not as primary, not being filled).
    public func replicaAppliedThrough(of vnode: Int) -> UInt64? { appliers[vnode]?.appliedThrough }

    /// Entries of resigned primaries' logs not freed yet; slots the log had already released (its
    /// dropped prefix, not compacted away) count too, though they hold no buffer.
    public var retiredLogEntryCount: Int { retiredLogs.reduce(0) { $0 + $1.count } }

    /// Outgoing or incoming copies under way.
    public var hasTransfersRunning: Bool { !outgoing.isEmpty || !incoming.isEmpty }

    /// The installed table makes this node the vnode's primary.
    public func isListedPrimary(of vnode: Int) -> Bool {
        guard let table, let memberID else { return false }
        return table.primary(of: vnode) == memberID
    }

    /// The node a member number names: the directory's, or a transfer target's.
    func node(of member: MemberID) -> NodeID? {
        directory[member]?.nodeID ?? memberIDs.first(where: { $0.value == member })?.key
    }
}
