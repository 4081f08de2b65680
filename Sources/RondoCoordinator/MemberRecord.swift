import RondoCore
import RondoPeer
import RondoRing

/// Everything the coordinator knows about one node. The durable part (identity, addresses,
/// build, state, acknowledged epoch) is persisted; liveness (`lastHeartbeatMilliseconds`,
/// `appliedSequences`, `connected`) and the load figures (`vnodeBytes`, `memory`,
/// `clientErrorsPerMillion`) are refreshed by the node's heartbeats and reset on coordinator
/// restart. The load figures are not persisted: they change with every heartbeat (persisting
/// them would write the state file each time) and are stale after a restart anyway; the next
/// heartbeats bring them back.
public struct MemberRecord: Sendable, Hashable {
    public let nodeID: NodeID
    /// Assigned on the first `join`, kept for the node's lifetime, never reused.
    public internal(set) var memberID: MemberID?
    public internal(set) var addresses: MemberAddresses
    public internal(set) var build: BuildInfo
    public internal(set) var state: MembershipState
    /// The highest table epoch the node has acknowledged.
    public internal(set) var acknowledgedEpoch: UInt64
    public internal(set) var lastHeartbeatMilliseconds: Int64
    /// Per vnode the node holds, the highest contiguous write sequence it applied (heartbeats).
    public internal(set) var appliedSequences: [Int: UInt64]
    public internal(set) var connected: Bool
    /// Bytes per vnode the node holds, as last reported; vnodes it did not report are unknown.
    public internal(set) var vnodeBytes: [Int: UInt64] = [:]
    public internal(set) var memory: NodeMemoryReport?
    /// Client requests that failed per million, over the node's last reporting window. The
    /// upgrade's health gate reads it (`UpgradeLimits.clientErrorsPerMillionMax`).
    public internal(set) var clientErrorsPerMillion: UInt32?

    init(nodeID: NodeID, addresses: MemberAddresses, build: BuildInfo, nowMilliseconds: Int64) {
        self.nodeID = nodeID
        self.memberID = nil
        self.addresses = addresses
        self.build = build
        self.state = .candidate
        self.acknowledgedEpoch = 0
        self.lastHeartbeatMilliseconds = nowMilliseconds
        self.appliedSequences = [:]
        self.connected = true
    }

    init(
        nodeID: NodeID, memberID: MemberID?, addresses: MemberAddresses, build: BuildInfo,
        state: MembershipState, acknowledgedEpoch: UInt64
    ) {
        self.nodeID = nodeID
        self.memberID = memberID
        self.addresses = addresses
        self.build = build
        self.state = state
        self.acknowledgedEpoch = acknowledgedEpoch
        self.lastHeartbeatMilliseconds = 0
        self.appliedSequences = [:]
        self.connected = false
    }

    /// This record without liveness, for "did anything durable change" comparisons.
    var durable: MemberRecord {
        var copy = self
        copy.lastHeartbeatMilliseconds = 0
        copy.appliedSequences = [:]
        copy.connected = false
        copy.vnodeBytes = [:]
        copy.memory = nil
        copy.clientErrorsPerMillion = nil
        return copy
    }
}
