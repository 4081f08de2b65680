/// What happens to one vnode between two tables. Executed copy-then-switch-then-drop: `source`
/// sends a copy to every receiver, then the new table takes effect, then droppers delete theirs.
public struct VnodeMigration: Sendable, Hashable {
    public let vnode: Int
    public let replicasBefore: [MemberID]
    public let replicasAfter: [MemberID]
    /// Members that must receive a copy (a data transfer each): in `after`, not in `before`.
    public let receivers: [MemberID]
    /// Members that delete their copy once the new table is in force: in `before`, not in `after`.
    public let droppers: [MemberID]
    /// Where copies come from: the old primary, which holds the most recent writes; nil when the
    /// vnode gains no receiver.
    public let source: MemberID?

    public var primaryBefore: MemberID { replicasBefore[0] }
    public var primaryAfter: MemberID { replicasAfter[0] }
    public var primaryChanged: Bool { primaryBefore != primaryAfter }

    init(vnode: Int, replicasBefore: [MemberID], replicasAfter: [MemberID]) {
        precondition(!replicasBefore.isEmpty && !replicasAfter.isEmpty, "a vnode always has a replica")
        self.vnode = vnode
        self.replicasBefore = replicasBefore
        self.replicasAfter = replicasAfter
        self.receivers = replicasAfter.filter { !replicasBefore.contains($0) }
        self.droppers = replicasBefore.filter { !replicasAfter.contains($0) }
        self.source = receivers.isEmpty ? nil : replicasBefore[0]
    }

    /// The fewest complete copies this vnode has at any point of copy-then-switch-then-drop when
    /// the members in `unavailable` cannot serve (for example a crashed leaver): during the copy,
    /// the available old replicas; after the switch, the new replica list, but only if some
    /// available old replica could send the copies (otherwise the data is gone: zero).
    public func minimumReplicaCount(unavailable: Set<MemberID>) -> Int {
        let serving = replicasBefore.filter { !unavailable.contains($0) }.count
        guard serving > 0 else { return 0 }
        return min(serving, replicasAfter.count)
    }
}
