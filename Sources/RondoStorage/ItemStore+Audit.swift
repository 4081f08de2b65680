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
            for (key, index) in items.slotByKey {
                audit.indexedItems += 1
                guard let slot = slots[index] else {
                    audit.misplacedItems += 1
                    continue
                }
                audit.accountedBytes += slot.accountedBytes
                vnodeBytes += slot.accountedBytes
                if slot.form.key != key || vnodeIndex(slot.vnode) != local || items.members[slot.memberPosition] != index {
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
