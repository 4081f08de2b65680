extension RoutingTable {
    /// The migration from `from` to `to`. Both tables must belong to the same cluster: the vnode
    /// count is fixed for a cluster's life.
    public static func diff(from: RoutingTable, to: RoutingTable) -> MigrationPlan {
        precondition(from.vnodeCount == to.vnodeCount, "vnode count is fixed for a cluster")
        var migrations: [VnodeMigration] = []
        var unchangedReplicaCount: Int? = nil
        for vnode in 0..<from.vnodeCount.value {
            let before = from.replicas(of: vnode)
            let after = to.replicas(of: vnode)
            if before == after {
                unchangedReplicaCount = after.count
            } else {
                migrations.append(VnodeMigration(vnode: vnode, replicasBefore: before, replicasAfter: after))
            }
        }
        return MigrationPlan(
            fromEpoch: from.epoch, toEpoch: to.epoch, migrations: migrations,
            unchangedReplicaCount: unchangedReplicaCount)
    }
}
