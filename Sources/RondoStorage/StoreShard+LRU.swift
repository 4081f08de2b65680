/// The shard's LRU list, linked through slot indices: bumping and eviction never allocate.
extension StoreShard {
    mutating func pushFront(_ index: Int) {
        slots[index]!.lruPrevious = ItemSlot.none
        slots[index]!.lruNext = lruHead
        if lruHead != ItemSlot.none {
            slots[lruHead]!.lruPrevious = index
        } else {
            lruTail = index
        }
        lruHead = index
    }

    mutating func removeFromLRU(_ index: Int) {
        let previous = slots[index]!.lruPrevious
        let next = slots[index]!.lruNext
        if previous != ItemSlot.none {
            slots[previous]!.lruNext = next
        } else {
            assert(lruHead == index)
            lruHead = next
        }
        if next != ItemSlot.none {
            slots[next]!.lruPrevious = previous
        } else {
            assert(lruTail == index)
            lruTail = previous
        }
    }

    /// Moves an accessed item to the LRU head unless it was moved there less than
    /// `lruBumpIntervalSeconds` ago (memcached's ITEM_UPDATE_INTERVAL): a hot item then costs no
    /// list surgery, which touches two neighbouring slots, on most hits.
    mutating func bump(_ index: Int, at time: AccessTime) {
        guard time.now - slots[index]!.bumpedAt >= configuration.lruBumpIntervalSeconds else { return }
        slots[index]!.bumpedAt = time.now
        guard lruHead != index else { return }
        removeFromLRU(index)
        pushFront(index)
    }

    /// How many live tail items a store looks past for expired ones when eviction is off
    /// (memcached searches 5).
    static let expiredSearchDepth = 5

    /// Reserves `bytes`, first reclaiming expired items from the LRU tail and, with policy `.lru`,
    /// evicting live ones. `sparing` is the item being replaced, which must stay until the new
    /// state is linked. False when this shard cannot free enough.
    mutating func reserve(_ bytes: Int, sparing: Int, at time: AccessTime) -> Bool {
        if memory.tryReserve(bytes) { return true }
        var candidate = lruTail
        var livePassed = 0
        while candidate != ItemSlot.none {
            let previous = slots[candidate]!.lruPrevious
            if candidate != sparing {
                if !slots[candidate]!.isLive(now: time.now, flushEpoch: time.flushEpoch) {
                    reclaim(candidate)
                } else if configuration.eviction == .lru {
                    evict(candidate)
                } else {
                    livePassed += 1
                    guard livePassed < Self.expiredSearchDepth else { return false }
                    candidate = previous
                    continue
                }
                if memory.tryReserve(bytes) { return true }
            }
            candidate = previous
        }
        return false
    }

    /// Frees at least `bytes` from the LRU tail for another shard's store; returns the bytes freed.
    mutating func evictFromTail(atLeast bytes: Int, at time: AccessTime) -> Int {
        var freed = 0
        while freed < bytes, lruTail != ItemSlot.none {
            let victim = lruTail
            freed += slots[victim]!.accountedBytes
            if slots[victim]!.isLive(now: time.now, flushEpoch: time.flushEpoch) {
                evict(victim)
            } else {
                reclaim(victim)
            }
        }
        return freed
    }
}
