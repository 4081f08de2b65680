import Synchronization

/// The store-wide count of accounted bytes against the memory limit. One atomic shared by all
/// shards, so the limit is global while the items stay under per-shard locks: a writer reserves
/// before it links an item and releases when it unlinks one.
final class MemoryBudget: Sendable {
    private let limit: Atomic<Int>
    private let usedBytes = Atomic<Int>(0)

    init(limitBytes: Int) {
        limit = Atomic(max(0, limitBytes))
    }

    /// The current limit. `cache_memlimit` changes it at run time; lowering it below what is used
    /// evicts nothing at once: later writes evict (policy `.lru`) or are refused (`.none`).
    var limitBytes: Int { limit.load(ordering: .relaxed) }

    func setLimit(_ bytes: Int) {
        limit.store(max(0, bytes), ordering: .relaxed)
    }

    var bytes: Int { usedBytes.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget when that keeps the total within the limit. A negative
    /// amount gives bytes back and always succeeds.
    func tryReserve(_ bytes: Int) -> Bool {
        if bytes <= 0 {
            release(-bytes)
            return true
        }
        var current = usedBytes.load(ordering: .relaxed)
        while true {
            guard bytes <= limit.load(ordering: .relaxed) - current else { return false }
            let (exchanged, original) = usedBytes.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func release(_ bytes: Int) {
        assert(bytes >= 0)
        let remaining = usedBytes.subtract(bytes, ordering: .relaxed).newValue
        assert(remaining >= 0, "released more bytes than reserved")
    }
}
