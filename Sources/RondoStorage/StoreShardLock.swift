import Synchronization

/// One lock shard: the items of the vnodes `v` with `v & (shardCount - 1) == index`.
final class StoreShardLock: Sendable {
    let state: Mutex<StoreShard>

    init(_ shard: consuming StoreShard) {
        state = Mutex(shard)
    }
}
