import RondoCore

/// A full consistency check of the store's bookkeeping, for tests and debugging: O(items).
struct StoreAudit: Equatable {
    /// Items reachable through the vnode indexes.
    var indexedItems = 0
    /// Items reachable by walking the LRU lists.
    var lruItems = 0
    /// Items the shards count.
    var countedItems = 0
    /// Sum of the accounted bytes of all items.
    var accountedBytes = 0
    /// Slots whose recorded positions (LRU links, member position, vnode) disagree with the indexes.
    var misplacedItems = 0
}

extension ItemStore {
    func audit() -> StoreAudit {
        var audit = StoreAudit()
        for shard in shards {
            shard.state.withLock { $0.audit(into: &audit) }
        }
        return audit
    }
}

extension StoreShard {
    func audit(into audit: inout StoreAudit) {
        audit.countedItems += itemCount
        for (local, items) in vnodes.enumerated() {
            var vnodeBytes = 0
            defer {
                // The O(1) per-vnode size must be the sum of its items.
                if vnodeBytes != items.bytes { audit.misplacedItems += 1 }
            }
            for entry in items.index.occupied {
                audit.indexedItems += 1
                let index = entry.slot
                guard let slot = slots[index] else {
                    audit.misplacedItems += 1
                    continue
                }
                audit.accountedBytes += slot.accountedBytes
                vnodeBytes += slot.accountedBytes
                let key = slot.form.key
                let rehashed = key.withUnsafeReadableBytes { VnodeHash.hashes($0, seed: keyHashSeed) }
                if entry.hash != slot.keyHash || rehashed.seededHash != entry.hash
                    || VnodeHash.vnode(ofHash: rehashed.vnodeHash, vnodeCount: configuration.vnodeCount) != slot.vnode
                    || self.slot(of: key, vnode: slot.vnode, hash: entry.hash) != index
                    || vnodeIndex(slot.vnode) != local || items.members[slot.memberPosition] != index
                {
                    audit.misplacedItems += 1
                }
            }
        }
        var index = lruHead
        var previous = ItemSlot.none
        var walked = 0
        while index != ItemSlot.none, walked <= slots.count {
            walked += 1
            if slots[index]?.lruPrevious != previous { audit.misplacedItems += 1 }
            previous = index
            index = slots[index]?.lruNext ?? ItemSlot.none
        }
        if previous != lruTail { audit.misplacedItems += 1 }
        audit.lruItems += walked
    }
}
