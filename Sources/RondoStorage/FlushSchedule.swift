import Synchronization

/// flush_all without walking the items. Every item records the flush epoch it was stored in; an
/// item of an older epoch is invalid. An immediate flush advances the epoch; a delayed flush
/// records its due time, and the first operation that sees the clock at or past it advances the
/// epoch, which invalidates exactly the items stored before that moment (memcached's
/// `oldest_live`, without its one-second ambiguity for items stored in the flush's own second).
final class FlushSchedule: Sendable {
    private let epoch = Atomic<UInt64>(0)
    /// Unix seconds of the pending delayed flush; 0 = none.
    private let dueAt = Atomic<Int64>(0)

    /// The epoch valid items must carry, after applying a delayed flush that has come due.
    func currentEpoch(now: Int64) -> UInt64 {
        let due = dueAt.load(ordering: .relaxed)
        if due != 0, now >= due,
            dueAt.compareExchange(expected: due, desired: 0, ordering: .relaxed).exchanged
        {
            epoch.add(1, ordering: .relaxed)
        }
        return epoch.load(ordering: .relaxed)
    }

    func flush(at time: Int64?, now: Int64) {
        if let time, time > now {
            dueAt.store(time, ordering: .relaxed)
        } else {
            // An immediate flush supersedes a pending delayed one, as memcached's single
            // `oldest_live` setting does.
            dueAt.store(0, ordering: .relaxed)
            epoch.add(1, ordering: .relaxed)
        }
    }
}
