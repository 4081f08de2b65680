/// What a shard operation returns when it may need memory that only other shards can free: the
/// store then evicts from other shards outside this shard's lock (locks are never nested) and
/// retries the operation.
enum ShardResult<Outcome: Sendable>: Sendable {
    case done(Outcome)
    case needsMemory(bytes: Int)
}
