/// Everything that must move to go from one routing table to the next: per changed vnode the
/// receivers, droppers and primary change, plus totals that the coordinator uses to schedule
/// transfers and the upgrade planner prints. Built by `RoutingTable.diff(from:to:)`.
public struct MigrationPlan: Sendable, Hashable {
    public let fromEpoch: UInt64
    public let toEpoch: UInt64
    /// Vnodes whose replica list changed (membership or order), ascending by vnode.
    public let migrations: [VnodeMigration]
    /// Replicas of unchanged vnodes: the copies every vnode keeps when the plan touches it not.
    public let unchangedReplicaCount: Int?
    /// Data transfers: one per (vnode, receiver).
    public let transferCount: Int
    /// Primary changes; each is a promotion of a holder or a hand-off after a transfer, never a
    /// transfer of its own.
    public let primaryChangeCount: Int
    public let sentCountByNode: [MemberID: Int]
    public let receivedCountByNode: [MemberID: Int]
    public let droppedCountByNode: [MemberID: Int]

    init(fromEpoch: UInt64, toEpoch: UInt64, migrations: [VnodeMigration], unchangedReplicaCount: Int?) {
        self.fromEpoch = fromEpoch
        self.toEpoch = toEpoch
        self.migrations = migrations
        self.unchangedReplicaCount = unchangedReplicaCount
        var sent: [MemberID: Int] = [:]
        var received: [MemberID: Int] = [:]
        var dropped: [MemberID: Int] = [:]
        for migration in migrations {
            if let source = migration.source { sent[source, default: 0] += migration.receivers.count }
            for node in migration.receivers { received[node, default: 0] += 1 }
            for node in migration.droppers { dropped[node, default: 0] += 1 }
        }
        self.transferCount = received.values.reduce(0, +)
        self.primaryChangeCount = migrations.filter(\.primaryChanged).count
        self.sentCountByNode = sent
        self.receivedCountByNode = received
        self.droppedCountByNode = dropped
    }

    /// The vnodes that leave `node` and the members they go to: for "what leaves this node".
    public func departures(from node: MemberID) -> [VnodeMigration] {
        migrations.filter { $0.droppers.contains(node) }
    }

    /// The lowest replica count any vnode reaches while the plan runs copy-then-switch-then-drop.
    public func minimumReplicaCount(unavailable: Set<MemberID> = []) -> Int {
        var lowest = unchangedReplicaCount ?? Int.max
        for migration in migrations {
            lowest = min(lowest, migration.minimumReplicaCount(unavailable: unavailable))
        }
        return lowest == Int.max ? 0 : lowest
    }

    /// Applies the plan to an assignment (replica lists indexed by vnode) with set operations:
    /// drop the droppers, add the receivers, put the new primary first, keep the new order.
    /// Traps if the assignment is not the one the plan was made from.
    public func applied(to assignment: [[MemberID]]) -> [[MemberID]] {
        var result = assignment
        for migration in migrations {
            let current = result[migration.vnode]
            precondition(current == migration.replicasBefore, "plan applied to another table")
            let holders = Set(current).subtracting(migration.droppers).union(migration.receivers)
            result[migration.vnode] = migration.replicasAfter.filter { holders.contains($0) }
            precondition(result[migration.vnode].count == holders.count, "plan lists every holder")
        }
        return result
    }
}
