extension RoutingTable {
    /// Checks every invariant: limits, sorted distinct members, list lengths, replicas distinct
    /// and on active members only (so draining members hold nothing), balance of replicas and of
    /// primaries within floor/ceil of the mean, and drain records that refer to draining members.
    /// Tables are checked where they are built (debug assertion) and where they are decoded.
    public func validate() throws(RingInvariantViolation) {
        guard epoch > 0 else { throw .epochZero }
        guard (1...RingLimits.replicaCountMax).contains(replicaCount) else {
            throw .replicaCountOutOfRange(replicaCount)
        }
        guard (1...RingLimits.membersMax).contains(members.count) else {
            throw .memberCountOutOfRange(members.count)
        }
        var indexOf: [MemberID: Int] = [:]
        for (index, member) in members.enumerated() {
            if index > 0 && !(members[index - 1].id < member.id) {
                throw .membersNotSortedOrDuplicate(member.id)
            }
            guard (member.descriptor.zone?.utf8.count ?? 0) <= RingLimits.labelBytesMax,
                (member.descriptor.host?.utf8.count ?? 0) <= RingLimits.labelBytesMax
            else { throw .labelTooLong(member.id) }
            if member.state == .active { indexOf[member.id] = indexOf.count }
        }
        let expectedWidth = min(replicaCount, indexOf.count)
        guard placedReplicaCount == expectedWidth, expectedWidth >= 1 else {
            throw .placedReplicaCountWrong(placed: placedReplicaCount, expected: expectedWidth)
        }
        try validateAssignment(activeIndexOf: indexOf)
        try validateDrainRecords()
    }

    /// Checks that `self` may follow `previous`: same shape, larger epoch, and valid.
    public func validate(after previous: RoutingTable) throws(RingInvariantViolation) {
        guard epoch > previous.epoch else {
            throw .epochNotIncreasing(previous: previous.epoch, next: epoch)
        }
        try validate()
    }

    private func validateAssignment(activeIndexOf indexOf: [MemberID: Int]) throws(RingInvariantViolation) {
        let width = placedReplicaCount
        guard slots.count == vnodeCount.value * width else {
            throw .slotCountWrong(count: slots.count, expected: vnodeCount.value * width)
        }
        let activeIDs = members.filter { $0.state == .active }.map(\.id)
        var replicaCounts = Array(repeating: 0, count: indexOf.count)
        var primaryCounts = Array(repeating: 0, count: indexOf.count)
        for vnode in 0..<vnodeCount.value {
            for slot in 0..<width {
                let node = slots[vnode * width + slot]
                guard let index = indexOf[node] else {
                    throw .replicaOnInactiveMember(vnode: vnode, node: node)
                }
                for earlier in 0..<slot where slots[vnode * width + earlier] == node {
                    throw .replicasNotDistinct(vnode: vnode, node: node)
                }
                replicaCounts[index] += 1
                if slot == 0 { primaryCounts[index] += 1 }
            }
        }
        let replicaAllowed = RoutingTable.fairShare(total: vnodeCount.value * width, nodes: indexOf.count)
        let primaryAllowed = RoutingTable.fairShare(total: vnodeCount.value, nodes: indexOf.count)
        for (index, id) in activeIDs.enumerated() {
            guard replicaAllowed.contains(replicaCounts[index]) else {
                throw .replicaCountUnbalanced(node: id, count: replicaCounts[index], allowed: replicaAllowed)
            }
            guard primaryAllowed.contains(primaryCounts[index]) else {
                throw .primaryCountUnbalanced(node: id, count: primaryCounts[index], allowed: primaryAllowed)
            }
        }
    }

    private func validateDrainRecords() throws(RingInvariantViolation) {
        for (index, record) in drainRecords.enumerated() {
            guard index == 0 || drainRecords[index - 1].node < record.node, canHold(record) else {
                throw .drainRecordInvalid(record.node)
            }
        }
    }

    /// A drain record belongs in this table while its member is draining and every entry names a
    /// vnode, slot and member of this table; records that stop fitting are dropped on change.
    func canHold(_ record: DrainRecord) -> Bool {
        guard member(record.node)?.state == .draining, record.undo.count <= slots.count else { return false }
        let memberIDs = Set(members.map(\.id))
        return record.undo.allSatisfy { entry in
            Int(entry.vnode) < vnodeCount.value && Int(entry.slot) < placedReplicaCount
                && memberIDs.contains(entry.node)
        }
    }

    /// For debug assertions where tables are built; prints the violation before the assertion fires.
    var isValid: Bool {
        do {
            try validate()
            return true
        } catch {
            print("invalid routing table at epoch \(epoch): \(error)")
            return false
        }
    }

    /// Floor through ceil of `total / nodes`: the counts a balanced table allows each node.
    public static func fairShare(total: Int, nodes: Int) -> ClosedRange<Int> {
        precondition(nodes > 0, "fair share of no nodes")
        return (total / nodes)...((total + nodes - 1) / nodes)
    }
}
