import NIOCore

/// The items of one lock shard and everything that changes with them: slots, per-vnode indexes,
/// the shard's LRU list and its statistics. Always used under the shard's lock (`StoreShardLock`).
struct StoreShard {
    let memory: MemoryBudget
    let casSequence: CASSequence
    let configuration: StoreConfiguration
    /// `vnode >> shardBits` is the vnode's index in `vnodes`.
    let shardBits: Int
    /// `ItemStore.keyHashSeed`, to recompute an index hash from a stored key (audits).
    let keyHashSeed: UInt64

    var vnodes: [VnodeItems]
    /// Slot storage; nil entries are listed in `freeSlots` for reuse.
    var slots: [ItemSlot?] = []
    var freeSlots: [Int] = []
    /// Most recently used end of the LRU list.
    var lruHead = ItemSlot.none
    /// Least recently used end: the eviction end.
    var lruTail = ItemSlot.none
    var itemCount = 0
    var counters = ShardCounters()
    /// Next slot the expiry sweep examines.
    var sweepCursor = 0

    init(memory: MemoryBudget, casSequence: CASSequence, configuration: StoreConfiguration, shardBits: Int, vnodeCount: Int, keyHashSeed: UInt64) {
        self.keyHashSeed = keyHashSeed
        self.memory = memory
        self.casSequence = casSequence
        self.configuration = configuration
        self.shardBits = shardBits
        self.vnodes = Array(repeating: VnodeItems(), count: vnodeCount)
    }

    func vnodeIndex(_ vnode: Int) -> Int { vnode >> shardBits }

    /// The slot of a live item; an expired or flushed one is removed on the way (lazy expiry).
    mutating func liveSlot(_ key: ByteBuffer, vnode: Int, hash: UInt64, at time: AccessTime) -> Int? {
        guard let index = slot(of: key, vnode: vnode, hash: hash) else { return nil }
        guard slots[index]!.isLive(now: time.now, flushEpoch: time.flushEpoch) else {
            reclaim(index)
            return nil
        }
        return index
    }

    /// The slot holding `key` (live or not), found through its vnode's index by `hash`.
    @inline(__always)
    func slot(of key: ByteBuffer, vnode: Int, hash: UInt64) -> Int? {
        vnodes[vnodeIndex(vnode)].index.slot(hash: hash) { slots[$0]!.form.hasKey(key) }
    }

    /// Adds an item whose memory the caller has reserved.
    mutating func link(_ form: StoredForm, flags: UInt32, expiresAt: Int64, cas: UInt64, isStale: Bool, vnode: Int, hash: UInt64, at time: AccessTime) {
        let index: Int
        if let free = freeSlots.popLast() {
            index = free
        } else {
            index = slots.count
            slots.append(nil)
        }
        let local = vnodeIndex(vnode)
        let position = vnodes[local].addMember(index)
        assert(slot(of: form.key, vnode: vnode, hash: hash) == nil, "linked a key that is already present")
        vnodes[local].index.insert(hash: hash, slot: index)
        vnodes[local].bytes += form.accountedBytes
        slots[index] = ItemSlot(
            form: form, flags: flags, expiresAt: expiresAt, cas: cas, flushEpoch: time.flushEpoch,
            lastAccess: time.now, bumpedAt: time.now, vnode: vnode, keyHash: hash, memberPosition: position, isStale: isStale)
        pushFront(index)
        itemCount += 1
        counters.totalItems += 1
    }

    /// Removes an item; gives its bytes back to the budget unless the caller reuses them.
    @discardableResult
    mutating func unlink(_ index: Int, releasingMemory: Bool = true) -> ItemSlot {
        removeFromLRU(index)
        let slot = slots[index]!
        slots[index] = nil
        freeSlots.append(index)
        let local = vnodeIndex(slot.vnode)
        let removed = vnodes[local].index.remove(hash: slot.keyHash, slot: index)
        assert(removed, "vnode index out of step with slots")
        vnodes[local].bytes -= slot.accountedBytes
        vnodes[local].removeMember(at: slot.memberPosition)
        if vnodes[local].needsCompaction {
            compactMembers(ofVnodeIndex: local)
        }
        itemCount -= 1
        if releasingMemory {
            memory.release(slot.accountedBytes)
        }
        return slot
    }

    /// Removes an expired or flushed item.
    mutating func reclaim(_ index: Int) {
        let slot = unlink(index)
        counters.reclaimed += 1
        if !slot.fetched { counters.expiredUnfetched += 1 }
    }

    /// Removes a live item to make room.
    mutating func evict(_ index: Int) {
        let slot = unlink(index)
        counters.evictions += 1
        if !slot.fetched { counters.evictedUnfetched += 1 }
    }

    /// Stores `form` as the item's new state, replacing `existing`, within the memory limit.
    mutating func commit(
        _ form: StoredForm, flags: UInt32, expiresAt: Int64, cas fixedCAS: UInt64? = nil, isStale: Bool = false,
        replacing existing: Int?, vnode: Int, hash: UInt64, at time: AccessTime
    ) -> ShardResult<UInt64> {
        if expiresAt != 0, expiresAt <= time.now {
            // Already expired: memcached answers STORED and the item is gone at once; keeping it
            // would only take memory from live items until the sweep found it.
            if let existing { unlink(existing) }
            return .done(fixedCAS ?? casSequence.next())
        }
        let replacedBytes = existing.map { slots[$0]!.accountedBytes } ?? 0
        let neededBytes = form.accountedBytes - replacedBytes
        guard reserve(neededBytes, sparing: existing ?? ItemSlot.none, at: time) else {
            return .needsMemory(bytes: neededBytes)
        }
        if let existing {
            unlink(existing, releasingMemory: false)
        }
        let cas = fixedCAS ?? casSequence.next()
        link(form, flags: flags, expiresAt: expiresAt, cas: cas, isStale: isStale, vnode: vnode, hash: hash, at: time)
        return .done(cas)
    }

    mutating func compactMembers(ofVnodeIndex local: Int) {
        var members: [Int] = []
        members.reserveCapacity(vnodes[local].count)
        for index in vnodes[local].members where index != VnodeItems.tombstone {
            slots[index]!.memberPosition = members.count
            members.append(index)
        }
        vnodes[local].members = members
        vnodes[local].tombstones = 0
        vnodes[local].generation &+= 1
    }
}
