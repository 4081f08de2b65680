import NIOCore
import RondoCluster
import RondoCore
import RondoRing
import RondoStorage

/// One node process: its store and the per-vnode state machines of `RondoCluster`. A crash
/// replaces the whole object's state (`restartEmpty`): nothing survives but the name.
final class SimulatedNode {
    /// A write the primary executed and waits to acknowledge.
    struct PendingWrite {
        var requestID: UInt64
        var entryNode: NodeID
        var reply: ClientReply
    }

    /// A replica hello from a newer epoch than the node's table.
    struct ParkedHello {
        static let countMax = 4096
        var from: NodeID
        var vnode: Int
        var appliedThrough: UInt64
        var epoch: UInt64
    }

    /// An outgoing transfer: the source state machine and the order that started it.
    struct OutgoingTransfer {
        var source: VnodeTransferSource
        var targetNode: NodeID
        var waitUntil: ClusterInstant?
    }

    /// An incoming transfer.
    struct IncomingTransfer {
        var target: VnodeTransferTarget
    }

    let nodeID: NodeID
    var isUp = true
    var restartAt: Int64?
    private(set) var clock = ManualClock()
    private(set) var store: ItemStore
    var table: RoutingTable?
    var memberID: MemberID?
    var directory: [MemberID: NodeID] = [:]
    /// Member numbers of the nodes this one knows: the directory's, and transfer targets'
    /// (a joining node is in no table yet).
    var memberIDs: [NodeID: MemberID] = [:]
    /// The coordinator answered this incarnation's hello.
    var isAdmitted = false
    /// A restarted process that no coordinator admitted yet: it holds no copy, and says so in
    /// its hello. The first process of a node is fresh too, but no member yet.
    var isFreshProcess = true
    /// When to say hello again after a refusal.
    var helloDueAt: Int64?
    var primaries: [Int: VnodePrimaryReplicator] = [:]
    /// Vnodes this node holds a copy of without being their primary (listed secondaries, and
    /// old holders waiting to drop).
    var appliers: [Int: VnodeReplicaApplier] = [:]
    var incoming: [Int: IncomingTransfer] = [:]
    var outgoing: [ScheduledTransfer: OutgoingTransfer] = [:]
    /// Body bytes of finished outgoing transfers, until the completion is reported.
    var transferBytes: [ScheduledTransfer: UInt64] = [:]
    var scheduler: TransferScheduler
    /// Transfers waiting for a free slot, with the node each goes to.
    var pendingTransfers: [ScheduledTransfer: NodeID] = [:]
    var throttle: TransferThrottle
    var pendingWrites: [WriteID: PendingWrite] = [:]
    /// Replica hellos that named a newer table than this node has, until it installs it.
    var parkedHellos: [ParkedHello] = []
    var nextWriteID: UInt64 = 0
    var nextHeartbeatAt: Int64 = 0

    init(nodeID: NodeID, vnodeCount: VnodeCount, now: Int64) {
        self.nodeID = nodeID
        store = Self.makeStore(vnodeCount: vnodeCount, clock: clock)
        scheduler = TransferScheduler(concurrency: 2)
        throttle = TransferThrottle(bytesPerSecond: 1 << 20, burstBytes: 8 << 10, now: ClusterInstant(milliseconds: now))
    }

    private static func makeStore(vnodeCount: VnodeCount, clock: ManualClock) -> ItemStore {
        ItemStore(configuration: StoreConfiguration(memoryLimitBytes: 32 << 20, vnodeCount: vnodeCount, shardCount: 2), clock: clock)
    }

    /// A new process under the same name: empty store, no table, no state machines.
    func restartEmpty(now: Int64) {
        isUp = true
        restartAt = nil
        clock = ManualClock()
        store = Self.makeStore(vnodeCount: store.configuration.vnodeCount, clock: clock)
        table = nil
        memberID = nil
        directory = [:]
        memberIDs = [:]
        isAdmitted = false
        isFreshProcess = true
        helloDueAt = nil
        primaries = [:]
        appliers = [:]
        incoming = [:]
        outgoing = [:]
        transferBytes = [:]
        pendingTransfers = [:]
        scheduler = TransferScheduler(concurrency: 2)
        throttle = TransferThrottle(bytesPerSecond: 1 << 20, burstBytes: 8 << 10, now: ClusterInstant(milliseconds: now))
        pendingWrites = [:]
        parkedHellos = []
        nextHeartbeatAt = now
    }

    /// Keeps the store's one-second clock in step with the simulation's milliseconds.
    func advanceClock(to now: Int64) {
        clock.set(seconds: 1_700_000_000 + now / 1000)
    }

    /// Drops every copy: the coordinator said this node starts empty.
    func discardEverything() {
        for vnode in 0..<store.configuration.vnodeCount.value { store.dropVnode(vnode) }
        primaries = [:]
        appliers = [:]
        incoming = [:]
        outgoing = [:]
    }

    /// The highest contiguous sequence this node holds of each vnode it holds: the heartbeat.
    var appliedSequences: [Int: UInt64] {
        var sequences: [Int: UInt64] = [:]
        for (vnode, applier) in appliers { sequences[vnode] = applier.appliedThrough }
        for (vnode, primary) in primaries { sequences[vnode] = primary.lastSequence }
        return sequences
    }

    func isPrimary(of vnode: Int) -> Bool {
        guard let table, let memberID else { return false }
        return table.primary(of: vnode) == memberID
    }

    func value(of key: ByteBuffer) -> String? {
        store.peek(key).map { String(buffer: $0.value) }
    }
}
