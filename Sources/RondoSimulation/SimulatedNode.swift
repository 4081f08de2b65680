import NIOCore
import RondoCluster
import RondoCore
import RondoNode
import RondoPeer
import RondoRing
import RondoStorage

/// One node process: what the simulation's world needs around the node's `ClusterNode` (the
/// same state machine the runtime drives): whether it is up, when it restarts, the store's
/// manual clock, and the client writes it executed as primary and has not answered yet (the
/// front end's part). A crash replaces the whole process (`restartEmpty`): nothing survives but
/// the name.
final class SimulatedNode {
    /// A write the primary executed and waits to acknowledge.
    struct PendingWrite {
        var requestID: UInt64
        var entryNode: NodeID
        var reply: ClientReply
    }

    /// A restart order being carried out: the node drains, then its process stops and a new one
    /// starts on `binaryPath` after `downForMilliseconds` (nil binary: it never comes back).
    struct PlannedRestart {
        var binaryPath: String?
        var drainDeadline: Int64
        var downForMilliseconds: Int64
    }

    let nodeID: NodeID
    /// The binary this process runs, and the build that binary is (said in every hello).
    private(set) var binaryPath: String
    private(set) var build: BuildInfo
    /// Set while the node drains for a restart: it takes no new client operation.
    var plannedRestart: PlannedRestart?
    private let configuration: ClusterNodeConfiguration
    private let vnodeCount: VnodeCount
    var isUp = true
    var restartAt: Int64?
    /// What the next process runs; nil: the same binary (a crash restarts what was running).
    var nextBinaryPath: String?
    private(set) var clock = ManualClock()
    private(set) var core: ClusterNode
    var pendingWrites: [WriteID: PendingWrite] = [:]

    init(
        nodeID: NodeID, binaryPath: String, build: BuildInfo, vnodeCount: VnodeCount, configuration: ClusterNodeConfiguration,
        now: Int64
    ) {
        self.nodeID = nodeID
        self.binaryPath = binaryPath
        self.build = build
        self.configuration = configuration
        self.vnodeCount = vnodeCount
        core = Self.makeCore(nodeID: nodeID, vnodeCount: vnodeCount, configuration: configuration, clock: clock, now: now)
    }

    private static func makeCore(
        nodeID: NodeID, vnodeCount: VnodeCount, configuration: ClusterNodeConfiguration, clock: ManualClock, now: Int64
    ) -> ClusterNode {
        let store = ItemStore(
            configuration: StoreConfiguration(memoryLimitBytes: 32 << 20, vnodeCount: vnodeCount, shardCount: 2), clock: clock)
        return ClusterNode(nodeID: nodeID, configuration: configuration, store: store, now: ClusterInstant(milliseconds: now))
    }

    /// A new process under the same name, running `binaryPath` (`build`): empty store, no
    /// table, no state machines.
    func restartEmpty(now: Int64, binaryPath: String, build: BuildInfo) {
        isUp = true
        restartAt = nil
        plannedRestart = nil
        nextBinaryPath = nil
        self.binaryPath = binaryPath
        self.build = build
        clock = ManualClock()
        core = Self.makeCore(nodeID: nodeID, vnodeCount: vnodeCount, configuration: configuration, clock: clock, now: now)
        pendingWrites = [:]
    }

    /// Keeps the store's one-second clock in step with the simulation's milliseconds.
    func advanceClock(to now: Int64) {
        clock.set(seconds: 1_700_000_000 + now / 1000)
    }

    /// Up and not draining: clients may send it operations.
    var takesClients: Bool { isUp && plannedRestart == nil }

    var store: ItemStore { core.store }

    func value(of key: ByteBuffer) -> String? {
        store.peek(key).map { String(buffer: $0.value) }
    }
}
