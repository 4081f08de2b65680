/// The argument of `stats`. Groups memcached has but Rondo does not answer decode as `ERROR`.
public enum StatsGroup: Sendable, Equatable {
    case general, settings, items, slabs, sizes, reset
}
