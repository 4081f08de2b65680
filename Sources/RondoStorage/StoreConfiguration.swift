import RondoCore

public struct StoreConfiguration: Sendable {
    /// Upper bound of the accounted bytes of all items (see `ItemStore.perItemOverheadBytes`).
    public var memoryLimitBytes: Int
    public var eviction: EvictionPolicy
    /// Largest accepted item: key + uncompressed value + `ItemStore.perItemOverheadBytes`
    /// (memcached's rule: the whole item, header included, must fit the item size maximum).
    public var maxItemBytes: Int
    public var vnodeCount: VnodeCount
    /// Values at least this long are stored LZ4-compressed (if that makes them smaller); nil = off.
    public var compressMinBytes: Int?
    /// Requested number of lock shards. The store rounds it down to a power of two in
    /// `1...ItemStore.maximumShardCount` and to at most `vnodeCount`, so that a vnode maps to one shard.
    public var shardCount: Int
    /// An item moves to the LRU head on access at most once per this many seconds (memcached: 60);
    /// 0 = on every access. Larger values make LRU order coarser and hits cheaper.
    public var lruBumpIntervalSeconds: Int64

    public init(
        memoryLimitBytes: Int = 64 << 20,
        eviction: EvictionPolicy = .none,
        maxItemBytes: Int = 1 << 20,
        vnodeCount: VnodeCount = .default,
        compressMinBytes: Int? = nil,
        shardCount: Int = 32,
        lruBumpIntervalSeconds: Int64 = 60
    ) {
        self.memoryLimitBytes = memoryLimitBytes
        self.eviction = eviction
        self.maxItemBytes = maxItemBytes
        self.vnodeCount = vnodeCount
        self.compressMinBytes = compressMinBytes
        self.shardCount = shardCount
        self.lruBumpIntervalSeconds = lruBumpIntervalSeconds
    }
}
