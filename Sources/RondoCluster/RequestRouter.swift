import NIOCore
import RondoCore
import RondoRing

/// Decides where a request goes, from the node's routing table alone: key → vnode (`VnodeHash`)
/// → replica list. Writes go to the primary; reads too, except while the primary is unreachable,
/// when the next reachable replica in the list serves them. Pure: a new value per table or
/// reachability change.
public struct RequestRouter: Sendable {
    /// Keys one multi-key get may carry (memcached's line limit keeps real requests far below).
    public static let multiGetKeysMax = 1024

    public let table: RoutingTable
    public let localMember: MemberID
    /// Members this node cannot currently reach (failed connection, heartbeat silence).
    public let unreachable: Set<MemberID>

    public init(table: RoutingTable, localMember: MemberID, unreachable: Set<MemberID> = []) {
        self.table = table
        self.localMember = localMember
        self.unreachable = unreachable
    }

    public func vnode(of key: ByteBuffer) -> Int {
        table.vnode(ofHash: key.withUnsafeReadableBytes { VnodeHash.hash($0) })
    }

    public func route(key: ByteBuffer, intent: RequestIntent) throws(RoutingError) -> RouteDecision {
        try route(vnode: vnode(of: key), intent: intent)
    }

    public func route(vnode: Int, intent: RequestIntent) throws(RoutingError) -> RouteDecision {
        // A view of the table, not an array: this runs for every client request.
        let replicas = table.replicaSlots(of: vnode)
        let candidates = intent == .write ? replicas.prefix(1) : replicas
        // The local copy is always reachable; otherwise the first reachable replica in list order.
        guard let chosen = candidates.first(where: { $0 == localMember || !unreachable.contains($0) }) else {
            throw .noReachableReplica(vnode: vnode)
        }
        return chosen == localMember ? .local : .forward(to: chosen)
    }

    /// Groups a multi-key get's keys by destination.
    public func planMultiGet(keys: [ByteBuffer]) throws(RoutingError) -> MultiGetPlan {
        guard keys.count <= Self.multiGetKeysMax else { throw .tooManyKeys(count: keys.count, maximum: Self.multiGetKeysMax) }
        var groups: [MultiGetPlan.Group] = []
        var groupIndex: [RouteDecision: Int] = [:]
        for (position, key) in keys.enumerated() {
            let destination = try route(key: key, intent: .read)
            if let index = groupIndex[destination] {
                groups[index].keyIndices.append(position)
            } else {
                groupIndex[destination] = groups.count
                groups.append(MultiGetPlan.Group(destination: destination, keyIndices: [position]))
            }
        }
        return MultiGetPlan(groups: groups, keyCount: keys.count)
    }
}
