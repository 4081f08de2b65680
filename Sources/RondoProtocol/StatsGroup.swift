/// The argument of `stats`. Groups memcached has but Rondo does not answer decode as `ERROR`.
public enum StatsGroup: Sendable, Equatable {
    case general, settings, items, slabs, sizes, reset
    /// `stats cachedump <slab class> <limit>`: list up to `limit` keys of one slab class.
    case cachedump(slabClass: UInt64, limit: UInt64)
}
