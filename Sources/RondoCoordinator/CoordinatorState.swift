import RondoCore
import RondoPeer
import RondoRing

/// Everything the coordinator must not forget: the membership, the published routing table and
/// the one being moved to, who holds which copy, the copies and drops still to do, the transfer
/// limits, the finalized version and the upgrade state. A value: the coordinator hands a copy to
/// the runtime in `.persist` before it acts on a change; `encoded()` / `init(decoding:)` are in
/// `CoordinatorState+Codec.swift`.
public struct CoordinatorState: Sendable, Hashable {
    public let clusterName: String
    public let vnodeCount: VnodeCount
    public let replicaCount: Int
    public internal(set) var members: [NodeID: MemberRecord]
    /// The next `MemberID` to assign; only grows, so ids are never reused.
    public internal(set) var nextMemberID: UInt32
    /// The table in force, pushed to every node. Nil until the first node joins.
    public internal(set) var table: RoutingTable?
    /// The table the requested membership changes lead to; published once every replica it lists
    /// holds a complete copy. Nil when nothing is pending.
    public internal(set) var target: RoutingTable?
    /// For vnodes whose complete copies are not exactly the published replicas: the members that
    /// hold one (pending replicas with finished copies, old holders waiting to drop, replicas
    /// whose copy is still missing are absent).
    public internal(set) var holderDeviations: [Int: Set<MemberID>]
    /// Copies still to make, running or given up, by vnode and receiving member.
    public internal(set) var copies: [VnodeReplica: CopyProgress]
    public internal(set) var pendingDrops: [VnodeReplica: PendingDrop]
    public internal(set) var transferLimits: TransferLimits
    /// The release line the cluster committed to; members below it are refused.
    public internal(set) var finalizedVersion: SemanticVersion?
    /// Owned by the rolling-upgrade work; persisted as opaque versioned bytes.
    public var upgrade: UpgradeStateSlot?
    /// The upgrade's step timings (`UpgradeRun.historySlot`), in an optional section of its own
    /// that coordinators older than it skip.
    public var upgradeHistory: UpgradeStateSlot?
    public internal(set) var counters: MigrationCounters
    /// Index of `members` by `MemberID`, kept in step by `assign(_:to:)` and `removeRecord(_:)`.
    private(set) var nodeIDsByMember: [MemberID: NodeID] = [:]

    public init(
        clusterName: String, vnodeCount: VnodeCount, replicaCount: Int,
        transferLimits: TransferLimits = .default, finalizedVersion: SemanticVersion? = nil
    ) {
        self.clusterName = clusterName
        self.vnodeCount = vnodeCount
        self.replicaCount = replicaCount
        self.members = [:]
        self.nextMemberID = 1
        self.table = nil
        self.target = nil
        self.holderDeviations = [:]
        self.copies = [:]
        self.pendingDrops = [:]
        self.transferLimits = transferLimits
        self.finalizedVersion = finalizedVersion
        self.upgrade = nil
        self.upgradeHistory = nil
        self.counters = MigrationCounters()
    }

    /// The published epoch; 0 before the first table.
    public var epoch: UInt64 { table?.epoch ?? 0 }

    public func record(of member: MemberID) -> MemberRecord? {
        nodeIDsByMember[member].flatMap { members[$0] }
    }

    mutating func assign(_ member: MemberID, to node: NodeID) {
        members[node]?.memberID = member
        nodeIDsByMember[member] = node
    }

    mutating func removeRecord(_ node: NodeID) {
        if let member = members[node]?.memberID { nodeIDsByMember[member] = nil }
        members[node] = nil
    }

    public func nodeID(of member: MemberID) -> NodeID? {
        record(of: member)?.nodeID
    }

    /// Members holding a complete, current copy of `vnode`.
    public func holders(of vnode: Int) -> Set<MemberID> {
        if let deviation = holderDeviations[vnode] { return deviation }
        guard let table else { return [] }
        return Set(table.replicas(of: vnode))
    }

    /// Whether `member` holds a copy of any vnode, as far as the coordinator knows.
    public func holdsAnyCopy(_ member: MemberID) -> Bool {
        (0..<vnodeCount.value).contains { holders(of: $0).contains(member) }
    }

    public func holds(_ replica: VnodeReplica) -> Bool {
        holders(of: replica.vnode).contains(replica.member)
    }

    mutating func setHolders(_ vnode: Int, _ holders: Set<MemberID>) {
        if let table, Set(table.replicas(of: vnode)) == holders {
            holderDeviations[vnode] = nil
        } else {
            holderDeviations[vnode] = holders
        }
    }

    /// Vnodes where a replica listed in the published table lacks its copy.
    public var underReplicatedVnodeCount: Int {
        guard let table else { return 0 }
        return holderDeviations.keys.filter { vnode in
            !Set(table.replicas(of: vnode)).isSubset(of: holderDeviations[vnode]!)
        }.count
    }

    /// The state with liveness stripped: what must be persisted when it changes.
    var durable: CoordinatorState {
        var copy = self
        copy.members = members.mapValues(\.durable)
        return copy
    }
}
