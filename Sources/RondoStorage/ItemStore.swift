import NIOCore
import RondoCore
import Synchronization

/// The node's item store: thread-safe (called from every event loop), bounded by a memory limit,
/// items grouped by vnode. All keys are the readable bytes of the given buffer; the store copies
/// keys and values it keeps, so callers may pass slices of their receive buffers.
/// Expiry times passed in are absolute Unix seconds (0 = never; the engine converts memcached's
/// relative/absolute/negative exptime using the same clock).
///
/// Concurrency: vnode `v` lives in lock shard `v & (shardCount - 1)`; every operation on one key
/// takes exactly one shard lock. The memory limit is global (`MemoryBudget`); eviction takes from
/// the writing shard's LRU tail first and from other shards only after releasing its own lock, so
/// locks never nest. LRU order is therefore per shard, as memcached's is per slab class.
public final class ItemStore: Sendable {
    /// Accounted bytes per item beyond key and stored value, measured on 64-bit Linux: the slot
    /// record (128 bytes), the key index entry (16 bytes at up to 75% load, ~21), the member
    /// entry (8), and the storage buffer's object and two malloc headers (~80). A constant, so that
    /// accounting is exact and predictable; `MemoryEdgeTests` checks it still covers the records.
    public static let perItemOverheadBytes = 256
    public static let maximumShardCount = 256
    /// Rounds of "evict in other shards, retry" before a store gives up with `.outOfMemory`.
    static let memoryRetryLimit = 4

    public let configuration: StoreConfiguration
    public let shardCount: Int
    /// Seeds the hash the vnode key indexes use (`VnodeHash.hashes`): random per process, so that
    /// no client can know which keys collide in them.
    let keyHashSeed: UInt64
    let clock: any ServerClock
    let shards: [StoreShardLock]
    let memory: MemoryBudget
    let casSequence = CASSequence()
    let flushes = FlushSchedule()
    let sweepShardCursor = Atomic<Int>(0)
    let evictionShardCursor = Atomic<Int>(0)

    public init(configuration: StoreConfiguration, clock: any ServerClock) {
        self.configuration = configuration
        self.clock = clock
        let vnodeCount = configuration.vnodeCount.value
        let requested = min(max(1, configuration.shardCount), Self.maximumShardCount, vnodeCount)
        let shardBits = Int.bitWidth - 1 - requested.leadingZeroBitCount  // round down to a power of two
        shardCount = 1 << shardBits
        memory = MemoryBudget(limitBytes: configuration.memoryLimitBytes)
        let keyHashSeed = UInt64.random(in: .min ... .max)
        self.keyHashSeed = keyHashSeed
        shards = (0..<(1 << shardBits)).map { [memory, casSequence] _ in
            StoreShardLock(
                StoreShard(
                    memory: memory, casSequence: casSequence, configuration: configuration, shardBits: shardBits,
                    vnodeCount: vnodeCount >> shardBits, keyHashSeed: keyHashSeed))
        }
    }

    /// memcached's item size rule: key, value and the per-item overhead together.
    static func itemBytes(keyBytes: Int, valueBytes: Int) -> Int {
        keyBytes + valueBytes + perItemOverheadBytes
    }

    func accessTime() -> AccessTime {
        let now = clock.nowSeconds()
        return AccessTime(now: now, flushEpoch: flushes.currentEpoch(now: now))
    }

    func withShard<Result: Sendable>(ofVnode vnode: Int, _ body: (inout StoreShard) -> Result) -> Result {
        shards[vnode & (shardCount - 1)].state.withLock { body(&$0) }
    }

    /// Runs a shard operation, and when it needs memory its own shard cannot free, evicts from the
    /// other shards (policy `.lru`) and runs it again, a bounded number of times.
    func withMemory<Outcome: Sendable>(
        ofVnode vnode: Int, at time: AccessTime, outOfMemory: Outcome,
        _ body: (inout StoreShard) -> ShardResult<Outcome>
    ) -> Outcome {
        for _ in 0..<Self.memoryRetryLimit {
            switch withShard(ofVnode: vnode, body) {
            case .done(let outcome):
                return outcome
            case .needsMemory(let bytes):
                guard configuration.eviction == .lru,
                    evictFromOtherShards(bytes, sparing: vnode & (shardCount - 1), at: time) > 0
                else { return outOfMemory }
            }
        }
        return outOfMemory
    }

    /// Frees about `bytes` from the LRU tails of the shards other than `sparing`, one shard lock at
    /// a time, starting at a rotating shard so that no shard bears all the evictions.
    private func evictFromOtherShards(_ bytes: Int, sparing: Int, at time: AccessTime) -> Int {
        let start = evictionShardCursor.add(1, ordering: .relaxed).newValue
        var freed = 0
        for offset in 0..<shardCount where freed < bytes {
            let shard = (start &+ offset) & (shardCount - 1)
            guard shard != sparing else { continue }
            freed += shards[shard].state.withLock { $0.evictFromTail(atLeast: bytes - freed, at: time) }
        }
        return freed
    }

    /// Lookup. Expired items are removed and reported as a miss. Marks the item fetched, updates
    /// last access, bumps LRU when `bumpLRU`. `newExpiresAt` (gat/touch-on-get) replaces the expiry.
    public func get(_ key: ByteBuffer, newExpiresAt: Int64? = nil, bumpLRU: Bool = true) -> ItemView? {
        let time = accessTime()
        let (vnode, hash) = locate(key)
        guard var fetched = withShard(ofVnode: vnode, { $0.fetch(key, vnode: vnode, hash: hash, newExpiresAt: newExpiresAt, bumpLRU: bumpLRU, at: time) })
        else { return nil }
        guard fetched.isCompressed else { return fetched.view }
        guard let value = fetched.view.value.decodedStoredValue(isCompressed: true, maximumLength: configuration.maxItemBytes) else {
            let cas = fetched.view.cas
            withShard(ofVnode: vnode) { $0.dropCorrupt(key, vnode: vnode, hash: hash, cas: cas) }
            return nil
        }
        fetched.view.value = value
        return fetched.view
    }

    /// set/add/replace/append/prepend, with optional compare-and-swap. append/prepend keep flags and
    /// expiry of the existing item (the given ones are ignored). A plain set (no compare-CAS) that
    /// fails with `.tooLarge` or `.outOfMemory` removes the key's old item, as memcached does, so
    /// that readers do not keep seeing the value the client meant to replace.
    public func store(
        _ key: ByteBuffer, value: ByteBuffer, flags: UInt32, expiresAt: Int64,
        mode: StoreMode, compareCAS: UInt64? = nil
    ) -> StoreOutcome {
        let outcome = storeWithinLimits(key, value: value, flags: flags, expiresAt: expiresAt, mode: mode, compareCAS: compareCAS)
        if mode == .set, compareCAS == nil, outcome == .tooLarge || outcome == .outOfMemory {
            _ = delete(key)
        }
        return outcome
    }

    private func storeWithinLimits(
        _ key: ByteBuffer, value: ByteBuffer, flags: UInt32, expiresAt: Int64,
        mode: StoreMode, compareCAS: UInt64?
    ) -> StoreOutcome {
        guard Self.itemBytes(keyBytes: key.readableBytes, valueBytes: value.readableBytes) <= configuration.maxItemBytes else {
            return .tooLarge
        }
        let time = accessTime()
        let (vnode, hash) = locate(key)
        // Copying and compressing happen before the lock; append/prepend need the old value first.
        let write = StoreWrite(mode: mode, key: key, value: value, compressMinBytes: configuration.compressMinBytes)
        if let prepared = write.preparedForm, prepared.accountedBytes > memory.limitBytes {
            return .outOfMemory
        }
        return withMemory(ofVnode: vnode, at: time, outOfMemory: StoreOutcome.outOfMemory) {
            $0.store(key, write: write, flags: flags, expiresAt: expiresAt, compareCAS: compareCAS, vnode: vnode, hash: hash, at: time)
        }
    }

    /// Delete, or with `invalidate` (meta invalidate) mark the item stale and give it a new CAS
    /// instead of removing it. A later successful store clears the stale mark.
    public func delete(_ key: ByteBuffer, compareCAS: UInt64? = nil, invalidate: Bool = false) -> DeleteOutcome {
        let time = accessTime()
        let (vnode, hash) = locate(key)
        return withShard(ofVnode: vnode) {
            $0.delete(key, compareCAS: compareCAS, invalidate: invalidate, vnode: vnode, hash: hash, at: time)
        }
    }

    /// incr/decr of a decimal value (incr wraps at 2^64, decr stops at 0). When the key is missing
    /// and `autoCreate` is given, the item is created with that initial value (meta `N`/`J`).
    /// The value must be 1...20 ASCII digits within UInt64, else `.nonNumeric`; the result is
    /// stored as decimal text with a new CAS, keeping flags and (unless `newExpiresAt`) expiry.
    public func arithmetic(
        _ key: ByteBuffer, delta: UInt64, increment: Bool, compareCAS: UInt64? = nil,
        autoCreate: (initial: UInt64, expiresAt: Int64)? = nil, newExpiresAt: Int64? = nil
    ) -> ArithmeticOutcome {
        let time = accessTime()
        let (vnode, hash) = locate(key)
        let autoCreateInitial = autoCreate?.initial
        let autoCreateExpiresAt = autoCreate?.expiresAt
        return withMemory(ofVnode: vnode, at: time, outOfMemory: ArithmeticOutcome.outOfMemory) {
            $0.arithmetic(
                key, delta: delta, increment: increment, compareCAS: compareCAS,
                autoCreate: autoCreateInitial.map { ($0, autoCreateExpiresAt ?? 0) }, newExpiresAt: newExpiresAt,
                vnode: vnode, hash: hash, at: time)
        }
    }

    /// Updates the expiry (the CAS stays, as in memcached); false when missing.
    public func touch(_ key: ByteBuffer, expiresAt: Int64) -> Bool {
        let time = accessTime()
        let (vnode, hash) = locate(key)
        return withShard(ofVnode: vnode) { $0.touch(key, expiresAt: expiresAt, vnode: vnode, hash: hash, at: time) }
    }

    /// The memory limit now in force (the configured one until `setMemoryLimit` changes it).
    public var memoryLimitBytes: Int { memory.limitBytes }

    /// Bytes the items use now, as the memory limit counts them.
    public var memoryUsedBytes: Int { memory.bytes }

    /// Changes the memory limit at run time (memcached's `cache_memlimit`).
    public func setMemoryLimit(bytes: Int) {
        memory.setLimit(bytes)
    }

    /// flush_all: with `at == nil` or in the past, every item is invalid at once; otherwise every
    /// item stored up to that moment becomes invalid when the clock reaches it. Flushed items
    /// keep their memory until an access or the sweep reclaims them (or eviction takes them).
    public func flushAll(at: Int64?) {
        flushes.flush(at: at, now: clock.nowSeconds())
    }

    /// Removes expired and flushed items, examining at most `maxItems` slots per call and
    /// continuing where the previous call stopped (the background sweep calls this periodically).
    /// Returns the number of items removed.
    @discardableResult
    public func sweepExpired(maxItems: Int) -> Int {
        let time = accessTime()
        var budget = maxItems
        var removed = 0
        var visited = 0
        while budget > 0, visited < shardCount {
            let shard = sweepShardCursor.load(ordering: .relaxed) & (shardCount - 1)
            let step = shards[shard].state.withLock { $0.sweep(budget: budget, at: time) }
            budget -= step.examined
            removed += step.removed
            visited += 1
            if step.wrapped {
                _ = sweepShardCursor.compareExchange(expected: shard, desired: (shard + 1) & (shardCount - 1), ordering: .relaxed)
            }
        }
        return removed
    }

    public func stats() -> StoreStats {
        var stats = StoreStats()
        for shard in shards {
            shard.state.withLock { shard in
                stats.currentItems += shard.itemCount
                shard.counters.add(to: &stats)
            }
        }
        stats.bytes = memory.bytes
        stats.limitBytes = memory.limitBytes
        return stats
    }

    public func resetStats() {
        for shard in shards {
            shard.state.withLock { $0.counters = ShardCounters() }
        }
    }
}
