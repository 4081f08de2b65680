import RondoCore

/// Where every vnode lives: for each vnode an ordered replica list, primary first, on distinct
/// active members. A value: membership changes return a new table with a larger epoch
/// (`RoutingTable+Membership.swift`), so nodes can compare tables by epoch alone.
public struct RoutingTable: Sendable, Hashable {
    /// Increases with every change; a node ignores any table whose epoch is not above its own.
    public internal(set) var epoch: UInt64
    public let vnodeCount: VnodeCount
    /// The configured replication factor.
    public let replicaCount: Int
    /// Every member, active or draining, sorted by id.
    public internal(set) var members: [RingMember]
    /// Replicas actually placed per vnode: `min(replicaCount, active members)`.
    public internal(set) var placedReplicaCount: Int
    /// Vnode-major: the replicas of vnode `v` are `slots[v * placedReplicaCount ..< (v + 1) * placedReplicaCount]`.
    var slots: [MemberID]
    /// One record per draining member that can be undone exactly (see `DrainRecord`), sorted by node.
    var drainRecords: [DrainRecord]

    init(
        epoch: UInt64, vnodeCount: VnodeCount, replicaCount: Int, members: [RingMember],
        placedReplicaCount: Int, slots: [MemberID], drainRecords: [DrainRecord]
    ) {
        self.epoch = epoch
        self.vnodeCount = vnodeCount
        self.replicaCount = replicaCount
        self.members = members
        self.placedReplicaCount = placedReplicaCount
        self.slots = slots
        self.drainRecords = drainRecords
    }

    /// Primary first, then secondaries.
    public func replicas(of vnode: Int) -> [MemberID] {
        Array(replicaSlots(of: vnode))
    }

    /// `replicas(of:)` as a view of the table's own storage: what routing a request reads, so
    /// that a request costs no array allocation.
    public func replicaSlots(of vnode: Int) -> ArraySlice<MemberID> {
        precondition(vnode >= 0 && vnode < vnodeCount.value, "vnode \(vnode) out of range")
        let start = vnode * placedReplicaCount
        return slots[start..<start + placedReplicaCount]
    }

    public func primary(of vnode: Int) -> MemberID {
        precondition(vnode >= 0 && vnode < vnodeCount.value, "vnode \(vnode) out of range")
        return slots[vnode * placedReplicaCount]
    }

    /// The vnode a key's hash falls in, by the wire-contract hash in `VnodeHash`.
    public func vnode(ofHash hash: UInt64) -> Int {
        VnodeHash.vnode(ofHash: hash, vnodeCount: vnodeCount)
    }

    /// Vnodes holding a replica (primary or secondary) on `node`, ascending.
    public func vnodes(ownedBy node: MemberID) -> [Int] {
        var result: [Int] = []
        for vnode in 0..<vnodeCount.value {
            let start = vnode * placedReplicaCount
            if slots[start..<start + placedReplicaCount].contains(node) { result.append(vnode) }
        }
        return result
    }

    /// Vnodes whose primary is `node`, ascending.
    public func vnodes(primaryOn node: MemberID) -> [Int] {
        (0..<vnodeCount.value).filter { slots[$0 * placedReplicaCount] == node }
    }

    public func member(_ id: MemberID) -> RingMember? {
        members.first { $0.id == id }
    }

    public var activeMembers: [RingMember] {
        members.filter { $0.state == .active }
    }

    /// How many replicas each vnode lacks because there are fewer active members than
    /// `replicaCount`; zero in a healthy cluster.
    public var replicaShortfall: Int { replicaCount - placedReplicaCount }
}
