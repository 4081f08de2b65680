import RondoCore

/// Membership changes. Each returns a new, valid table whose epoch is one more than this one's,
/// placed by `Placement` from this table's assignment with as few changes as balance allows.
extension RoutingTable {
    /// The first table of a cluster: every node active, epoch 1.
    public static func initial(
        vnodeCount: VnodeCount = .default, replicaCount: Int, nodes: [NodeDescriptor]
    ) throws(RingError) -> RoutingTable {
        guard (1...RingLimits.replicaCountMax).contains(replicaCount) else {
            throw .replicaCountOutOfRange(replicaCount)
        }
        guard !nodes.isEmpty else { throw .noActiveMembers }
        let members = try sortedMembers(nodes.map { RingMember(descriptor: $0, state: .active) })
        let empty = RoutingTable(
            epoch: 0, vnodeCount: vnodeCount, replicaCount: replicaCount, members: members,
            placedReplicaCount: 0, slots: [], drainRecords: [])
        return empty.replaced(members: members, returning: nil, homeVnodes: [])
    }

    public func joining(_ node: NodeDescriptor) throws(RingError) -> RoutingTable {
        guard member(node.id) == nil else { throw .duplicateMember(node.id) }
        let next = try RoutingTable.sortedMembers(members + [RingMember(descriptor: node, state: .active)])
        return replaced(members: next, returning: nil, homeVnodes: [])
    }

    /// Removes `id`. `preferredPrimaries` names, per vnode, the member the caller wants as its
    /// primary — after a failure, the replica with the highest applied sequence; it is honoured
    /// when that member keeps a copy of the vnode and primary balance allows, so check the result.
    public func leaving(_ id: MemberID, preferredPrimaries: [Int: MemberID] = [:]) throws(RingError) -> RoutingTable {
        guard member(id) != nil else { throw .unknownMember(id) }
        let next = members.filter { $0.id != id }
        guard next.contains(where: { $0.state == .active }) else { throw .noActiveMembers }
        var table = replaced(members: next, returning: nil, homeVnodes: [], preferredPrimaries: preferredPrimaries)
        table.drainRecords.removeAll { $0.node == id }
        return table
    }

    /// Marks `id` draining: it stays a member and the new table assigns it nothing. Records what
    /// changed so that `activating(id)` can restore the previous placement exactly.
    public func draining(_ id: MemberID) throws(RingError) -> RoutingTable {
        let next = try withState(id, .draining)
        guard next.contains(where: { $0.state == .active }) else { throw .noActiveMembers }
        var table = replaced(members: next, returning: nil, homeVnodes: [])
        guard table.placedReplicaCount == placedReplicaCount else { return table }
        var undo: [SlotRestore] = []
        for index in slots.indices where slots[index] != table.slots[index] {
            undo.append(
                SlotRestore(
                    vnode: UInt32(index / placedReplicaCount), slot: UInt8(index % placedReplicaCount),
                    node: slots[index]))
        }
        let record = DrainRecord(node: id, fingerprint: table.fingerprint, undo: undo)
        table.drainRecords.append(record)
        table.drainRecords.sort { $0.node < $1.node }
        return table
    }

    /// Marks a draining `id` active again. When the table is exactly as the drain left it, the
    /// drain is undone slot for slot; otherwise the member takes its fair share, preferring the
    /// vnodes it held before the drain.
    public func activating(_ id: MemberID) throws(RingError) -> RoutingTable {
        let next = try withState(id, .active)
        let record = drainRecords.first { $0.node == id }
        if let record, record.fingerprint == fingerprint, let undone = undoing(record, members: next) {
            return undone
        }
        var table = replaced(members: next, returning: id, homeVnodes: record?.homeVnodes ?? [])
        table.drainRecords.removeAll { $0.node == id }
        return table
    }

    private func undoing(_ record: DrainRecord, members next: [RingMember]) -> RoutingTable? {
        var table = self
        table.epoch = epoch + 1
        table.members = next
        table.drainRecords.removeAll { $0.node == record.node }
        for entry in record.undo {
            table.slots[Int(entry.vnode) * placedReplicaCount + Int(entry.slot)] = entry.node
        }
        // A fingerprint collision is the only way this fails; then fall back to placement.
        do { try table.validate() } catch { return nil }
        return table
    }

    private func withState(_ id: MemberID, _ state: MemberState) throws(RingError) -> [RingMember] {
        guard let index = members.firstIndex(where: { $0.id == id }) else { throw .unknownMember(id) }
        guard members[index].state != state else { throw .alreadyInState(id, state) }
        var next = members
        next[index].state = state
        return next
    }

    private static func sortedMembers(_ members: [RingMember]) throws(RingError) -> [RingMember] {
        guard members.count <= RingLimits.membersMax else { throw .tooManyMembers(members.count) }
        let sorted = members.sorted { $0.id < $1.id }
        for (index, member) in sorted.enumerated() {
            if index > 0 && sorted[index - 1].id == member.id { throw .duplicateMember(member.id) }
            guard (member.descriptor.zone?.utf8.count ?? 0) <= RingLimits.labelBytesMax,
                (member.descriptor.host?.utf8.count ?? 0) <= RingLimits.labelBytesMax
            else { throw .labelTooLong(member.id) }
        }
        return sorted
    }

    /// The table over `next` members, placed from this table's assignment, epoch + 1. Drain records
    /// of members that are no longer draining are dropped.
    private func replaced(
        members next: [RingMember], returning: MemberID?, homeVnodes: Set<Int>,
        preferredPrimaries: [Int: MemberID] = [:]
    ) -> RoutingTable {
        let active = next.filter { $0.state == .active }.map(\.descriptor)
        precondition(!active.isEmpty, "placement needs an active member")
        let width = min(replicaCount, active.count)
        let placed = Placement.place(
            vnodeCount: vnodeCount.value, width: width, nodes: active, previous: slots,
            previousWidth: placedReplicaCount, returning: returning, homeVnodes: homeVnodes,
            preferredPrimaries: preferredPrimaries)
        var table = RoutingTable(
            epoch: epoch + 1, vnodeCount: vnodeCount, replicaCount: replicaCount, members: next,
            placedReplicaCount: width, slots: placed, drainRecords: [])
        table.drainRecords = drainRecords.filter { table.canHold($0) }
        assert(table.isValid, "placement builds valid tables")
        return table
    }
}
