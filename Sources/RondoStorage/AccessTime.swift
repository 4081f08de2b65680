/// The moment an operation runs: the clock reading and the flush epoch valid items must carry.
/// Read once per operation, before taking a shard lock.
struct AccessTime {
    var now: Int64
    var flushEpoch: UInt64
}
