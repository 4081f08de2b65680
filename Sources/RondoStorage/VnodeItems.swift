import NIOCore

/// The items of one vnode: a key index and a member list, so that counting, dropping and exporting
/// one vnode cost time proportional to that vnode alone.
///
/// `members` lists slot indices in insertion order; a removed item leaves a tombstone so that the
/// positions of the others (and so export cursors) stay put. When tombstones outnumber live
/// members the list is compacted and `generation` changes, which sends export cursors of the old
/// generation back to the start: an export may repeat items but never misses one that stayed
/// in the vnode for the whole export.
struct VnodeItems {
    var index = KeyIndex()
    var members: [Int] = []
    var tombstones = 0
    var generation: UInt64 = 0
    /// Accounted bytes (key + value + per-item overhead) of the items in `index`, kept by
    /// `link`/`unlink` so that reporting a vnode's size (heartbeats, upgrade plans) costs O(1).
    var bytes = 0

    static let tombstone = -1
    /// Below this many tombstones compaction is not worth a generation change.
    static let compactionMinimumTombstones = 32

    var count: Int { index.count }

    /// Appends a member; returns its position.
    mutating func addMember(_ slot: Int) -> Int {
        members.append(slot)
        return members.count - 1
    }

    /// Whether `removeMember` left enough tombstones that the caller should compact.
    var needsCompaction: Bool {
        tombstones >= Self.compactionMinimumTombstones && tombstones * 2 > members.count
    }

    mutating func removeMember(at position: Int) {
        assert(members[position] != Self.tombstone)
        members[position] = Self.tombstone
        tombstones += 1
        if position == members.count - 1 {
            // Trailing tombstones go at once: cursors past them see the same end.
            while let last = members.last, last == Self.tombstone {
                members.removeLast()
                tombstones -= 1
            }
        }
    }
}
