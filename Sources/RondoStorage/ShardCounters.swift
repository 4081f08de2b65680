/// A shard's share of the resettable statistics (see `StoreStats`), kept under the shard's lock.
struct ShardCounters {
    var totalItems = 0
    var evictions = 0
    var expiredUnfetched = 0
    var evictedUnfetched = 0
    var reclaimed = 0

    func add(to stats: inout StoreStats) {
        stats.totalItems += totalItems
        stats.evictions += evictions
        stats.expiredUnfetched += expiredUnfetched
        stats.evictedUnfetched += evictedUnfetched
        stats.reclaimed += reclaimed
    }
}
