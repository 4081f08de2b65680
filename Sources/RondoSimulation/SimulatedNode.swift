import NIOCore
import RondoCluster
import RondoCore
import RondoNode
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

    let nodeID: NodeID
    private let configuration: ClusterNodeConfiguration
    private let vnodeCount: VnodeCount
    var isUp = true
    var restartAt: Int64?
    private(set) var clock = ManualClock()
    private(set) var core: ClusterNode
    var pendingWrites: [WriteID: PendingWrite] = [:]

    init(nodeID: NodeID, vnodeCount: VnodeCount, configuration: ClusterNodeConfiguration, now: Int64) {
        self.nodeID = nodeID
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

    /// A new process under the same name: empty store, no table, no state machines.
    func restartEmpty(now: Int64) {
        isUp = true
        restartAt = nil
        clock = ManualClock()
        core = Self.makeCore(nodeID: nodeID, vnodeCount: vnodeCount, configuration: configuration, clock: clock, now: now)
        pendingWrites = [:]
    }

    /// Keeps the store's one-second clock in step with the simulation's milliseconds.
    func advanceClock(to now: Int64) {
        clock.set(seconds: 1_700_000_000 + now / 1000)
    }

    var store: ItemStore { core.store }

    func value(of key: ByteBuffer) -> String? {
        store.peek(key).map { String(buffer: $0.value) }
    }
}
