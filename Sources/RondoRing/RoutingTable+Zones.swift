extension RoutingTable {
    /// True when labelled active members span fewer zones than `placedReplicaCount`: replicas then
    /// fall back to distinct nodes (and hosts where possible) and some vnodes share a zone.
    public var zoneDistinctnessFallback: Bool {
        let active = activeMembers
        guard active.contains(where: { $0.descriptor.zone != nil }) else { return false }
        let zones = Set(active.map { $0.descriptor.zone ?? "" })
        return zones.count < placedReplicaCount
    }

    /// Vnodes with two replicas in the same zone (unlabelled members never clash).
    public var vnodesWithSharedZone: Int {
        var zoneOf: [MemberID: String] = [:]
        for member in members { if let zone = member.descriptor.zone { zoneOf[member.id] = zone } }
        var count = 0
        for vnode in 0..<vnodeCount.value {
            let zones = replicas(of: vnode).compactMap { zoneOf[$0] }
            if Set(zones).count < zones.count { count += 1 }
        }
        return count
    }
}
