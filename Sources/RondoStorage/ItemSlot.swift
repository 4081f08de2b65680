import NIOCore

/// One stored item and its links: its place in the shard's LRU list and in its vnode's member
/// list. Slots live in an array and refer to each other by index, so neither linking nor an LRU
/// bump allocates.
struct ItemSlot {
    var form: StoredForm
    var flags: UInt32
    /// Absolute Unix seconds; 0 = never.
    var expiresAt: Int64
    var cas: UInt64
    /// The `FlushSchedule` epoch the item was stored in; an older epoch means flushed.
    var flushEpoch: UInt64
    var lastAccess: Int64
    /// When the item last moved to the LRU head (linking counts).
    var bumpedAt: Int64
    var vnode: Int
    /// The key's seeded index hash (`VnodeHash.hashes`), kept so that unlinking need not rehash.
    var keyHash: UInt64
    /// Index in the vnode's `members`.
    var memberPosition: Int
    /// Neighbours in the shard's LRU list (towards the head = more recent); `ItemSlot.none` ends it.
    var lruPrevious: Int = ItemSlot.none
    var lruNext: Int = ItemSlot.none
    var fetched: Bool = false
    var isStale: Bool = false

    static let none = -1

    var accountedBytes: Int { form.accountedBytes }

    /// Neither expired by its own time (memcached: `exptime <= current_time`) nor flushed. An
    /// epoch newer than the caller's is live: the caller read the epoch just before a concurrent
    /// flush, and an item stored after that flush must not look flushed to it.
    func isLive(now: Int64, flushEpoch currentEpoch: UInt64) -> Bool {
        (expiresAt == 0 || expiresAt > now) && flushEpoch >= currentEpoch
    }
}
