/// The text `rondo ctl ring` prints: a header, then one line per member with its state and
/// counts, so that balance and draining progress can be read at a glance.
extension RoutingTable: CustomStringConvertible {
    public var description: String {
        var primaryCounts: [MemberID: Int] = [:]
        var replicaCounts: [MemberID: Int] = [:]
        for (index, node) in slots.enumerated() {
            replicaCounts[node, default: 0] += 1
            if index % placedReplicaCount == 0 { primaryCounts[node, default: 0] += 1 }
        }
        var lines = [
            "epoch \(epoch), \(vnodeCount) vnodes, \(placedReplicaCount) of \(replicaCount) replicas placed, "
                + "\(activeMembers.count) of \(members.count) members active"
        ]
        if replicaShortfall > 0 { lines.append("shortfall: every vnode lacks \(replicaShortfall) replica(s)") }
        if zoneDistinctnessFallback { lines.append("fewer zones than replicas: replicas on distinct nodes only") }
        for member in members {
            let id = member.id
            lines.append(
                "\(member.descriptor) \(member.state): primary \(primaryCounts[id] ?? 0), replicas \(replicaCounts[id] ?? 0)"
            )
        }
        return lines.joined(separator: "\n")
    }
}
