/// The key → slot index of one vnode: an open-addressing table (linear probing, backward-shift
/// deletion, so no tombstones) of (key hash, slot) pairs.
///
/// It stores no keys. The store hashes a key once, in the same pass that finds its vnode
/// (`VnodeHash.hashes`), and passes that seeded hash in; the index yields the slots whose entry
/// has the same hash, and the caller compares the key bytes with the slot's own copy. A
/// `Dictionary<ByteBuffer, Int>` hashed every key a second time with SipHash and kept the keys
/// and the slots in separate arrays: a lookup here touches one 16-byte entry and then the slot.
///
/// At most 3/4 full, so probe sequences stay short and always end at an empty entry. Grows by
/// doubling; never shrinks (as `Dictionary` does not on removal) — dropping a vnode replaces it.
struct KeyIndex {
    struct Entry {
        var hash: UInt64
        /// `KeyIndex.empty` marks a free entry.
        var slot: Int
    }

    static let empty = -1
    static let minimumCapacity = 8

    /// Capacity is 0 or a power of two.
    private var entries: [Entry] = []
    /// `entries.count - 1`, kept beside the array reference (in the vnode's record, which stays in
    /// cache) so that a lookup computes the entry's address without first loading the array's
    /// header: the two cache misses overlap instead of following each other.
    private var mask = -1
    private(set) var count = 0

    var capacity: Int { entries.count }

    /// The first slot with this hash for which `matches` holds (the caller compares the key), or
    /// nil when none does.
    @inline(__always)
    func slot(hash: UInt64, where matches: (Int) -> Bool) -> Int? {
        guard count > 0 else { return nil }
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = entries[position]
            if entry.slot == Self.empty { return nil }
            if entry.hash == hash, matches(entry.slot) { return entry.slot }
            position = (position + 1) & mask
        }
    }

    /// Adds an entry; the caller has checked that the key is not present.
    mutating func insert(hash: UInt64, slot: Int) {
        assert(slot >= 0, "slot numbers are never negative")
        if (count + 1) * 4 > entries.count * 3 {
            grow()
        }
        Self.place(Entry(hash: hash, slot: slot), in: &entries)
        count += 1
    }

    /// Removes the entry of `slot` (stored under `hash`); false when there is none.
    @discardableResult
    mutating func remove(hash: UInt64, slot: Int) -> Bool {
        guard count > 0 else { return false }
        var hole = Int(truncatingIfNeeded: hash) & mask
        while entries[hole].slot != slot {
            if entries[hole].slot == Self.empty { return false }
            hole = (hole + 1) & mask
        }
        // Backward shift: pull later entries of the run into the hole when the hole lies between
        // their home position and where they sit, so that every entry stays reachable from its home.
        var next = (hole + 1) & mask
        while entries[next].slot != Self.empty {
            let home = Int(truncatingIfNeeded: entries[next].hash) & mask
            if (next &- home) & mask >= (next &- hole) & mask {
                entries[hole] = entries[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        entries[hole] = Entry(hash: 0, slot: Self.empty)
        count -= 1
        return true
    }

    /// Every entry in use, in table order (audits and tests).
    var occupied: [Entry] {
        entries.filter { $0.slot != Self.empty }
    }

    private mutating func grow() {
        let newCapacity = max(Self.minimumCapacity, entries.count * 2)
        var grown = Array(repeating: Entry(hash: 0, slot: Self.empty), count: newCapacity)
        for entry in entries where entry.slot != Self.empty {
            Self.place(entry, in: &grown)
        }
        entries = grown
        mask = newCapacity - 1
    }

    private static func place(_ entry: Entry, in entries: inout [Entry]) {
        let mask = entries.count - 1
        var position = Int(truncatingIfNeeded: entry.hash) & mask
        while entries[position].slot != empty {
            position = (position + 1) & mask
        }
        entries[position] = entry
    }
}
