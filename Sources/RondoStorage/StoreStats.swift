/// The store's share of memcached's `stats`. `ItemStore.resetStats()` zeroes the counters that
/// memcached's `stats reset` zeroes (`totalItems`, `evictions`, `expiredUnfetched`,
/// `evictedUnfetched`, `reclaimed`) and keeps the gauges (`currentItems`, `bytes`, `limitBytes`).
public struct StoreStats: Sendable, Equatable {
    public var currentItems: Int = 0
    public var totalItems: Int = 0
    public var bytes: Int = 0
    public var limitBytes: Int = 0
    /// Valid items removed to make room (policy `.lru`).
    public var evictions: Int = 0
    /// Expired or flushed items removed that had never been fetched.
    public var expiredUnfetched: Int = 0
    /// Evicted items that had never been fetched.
    public var evictedUnfetched: Int = 0
    /// Expired or flushed items whose memory was reclaimed (on access, by the sweep, or from the
    /// LRU tail while making room).
    public var reclaimed: Int = 0
    public init() {}
}
