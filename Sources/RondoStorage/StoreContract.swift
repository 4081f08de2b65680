import NIOCore
import RondoCore

// CONTRACT FILE written by the lead so that the storage and engine work can proceed in parallel.
// The storage helper replaces every `fatalError` with the real implementation, may split these
// declarations into one-concept files, and may ADD API, but keeps these names and meanings.

/// How an item is written.
public enum StoreMode: Sendable, Equatable {
    case set, add, replace, append, prepend
}

public enum StoreOutcome: Sendable, Equatable {
    case stored(cas: UInt64)
    case notStored  // add on present key; replace/append/prepend on missing key
    case exists  // compare-CAS mismatch
    case notFound  // compare-CAS on a missing key
    case tooLarge  // value above the configured maximum item size
    case outOfMemory  // memory limit reached and eviction is off (or nothing evictable)
}

public enum DeleteOutcome: Sendable, Equatable {
    case deleted, notFound, exists
}

public enum ArithmeticOutcome: Sendable, Equatable {
    case value(UInt64, cas: UInt64)
    case notFound
    case nonNumeric
    case exists
    case outOfMemory
}

public enum EvictionPolicy: String, Sendable, CaseIterable {
    case none, lru
}

public struct StoreConfiguration: Sendable {
    public var memoryLimitBytes: Int
    public var eviction: EvictionPolicy
    public var maxItemBytes: Int
    public var vnodeCount: VnodeCount
    /// Values at least this long are stored LZ4-compressed (if that makes them smaller); nil = off.
    public var compressMinBytes: Int?

    public init(
        memoryLimitBytes: Int = 64 << 20,
        eviction: EvictionPolicy = .none,
        maxItemBytes: Int = 1 << 20,
        vnodeCount: VnodeCount = .default,
        compressMinBytes: Int? = nil
    ) {
        self.memoryLimitBytes = memoryLimitBytes
        self.eviction = eviction
        self.maxItemBytes = maxItemBytes
        self.vnodeCount = vnodeCount
        self.compressMinBytes = compressMinBytes
    }
}

/// A read-only view of one item as the store returns it. `value` is the (decompressed) value.
public struct ItemView: Sendable {
    public var flags: UInt32
    /// Absolute Unix seconds; 0 = never expires.
    public var expiresAt: Int64
    public var cas: UInt64
    public var value: ByteBuffer
    /// Unix seconds of the last access before this one.
    public var lastAccess: Int64
    /// Whether the item had been fetched before this access (meta `h`).
    public var fetchedBefore: Bool
    /// Marked stale by a meta invalidate (`I` flag).
    public var isStale: Bool

    public init(flags: UInt32, expiresAt: Int64, cas: UInt64, value: ByteBuffer, lastAccess: Int64, fetchedBefore: Bool, isStale: Bool) {
        self.flags = flags
        self.expiresAt = expiresAt
        self.cas = cas
        self.value = value
        self.lastAccess = lastAccess
        self.fetchedBefore = fetchedBefore
        self.isStale = isStale
    }
}

public struct StoreStats: Sendable, Equatable {
    public var currentItems: Int = 0
    public var totalItems: Int = 0
    public var bytes: Int = 0
    public var limitBytes: Int = 0
    public var evictions: Int = 0
    public var expiredUnfetched: Int = 0
    public var evictedUnfetched: Int = 0
    public var reclaimed: Int = 0
    public init() {}
}

/// The node's item store: thread-safe (called from every event loop), bounded by a memory limit,
/// items grouped by vnode. All keys are the readable bytes of the given buffer; the store copies
/// keys and values it keeps, so callers may pass slices of their receive buffers.
/// Expiry times passed in are absolute Unix seconds (0 = never; the engine converts memcached's
/// relative/absolute/negative exptime using the same clock).
public final class ItemStore: Sendable {
    public init(configuration: StoreConfiguration, clock: any ServerClock) { fatalError("storage helper") }

    /// Lookup. Expired items are removed and reported as a miss. Marks the item fetched, updates
    /// last access, bumps LRU when `bumpLRU`. `newExpiresAt` (gat/touch-on-get) replaces the expiry.
    public func get(_ key: ByteBuffer, newExpiresAt: Int64? = nil, bumpLRU: Bool = true) -> ItemView? { fatalError("storage helper") }

    /// set/add/replace/append/prepend, with optional compare-and-swap. append/prepend keep flags and
    /// expiry of the existing item (the given ones are ignored).
    public func store(
        _ key: ByteBuffer, value: ByteBuffer, flags: UInt32, expiresAt: Int64,
        mode: StoreMode, compareCAS: UInt64? = nil
    ) -> StoreOutcome { fatalError("storage helper") }

    /// Meta invalidate: marks the item stale and gives it a new CAS instead of removing it.
    public func delete(_ key: ByteBuffer, compareCAS: UInt64? = nil, invalidate: Bool = false) -> DeleteOutcome { fatalError("storage helper") }

    /// incr/decr of a decimal value (incr wraps at 2^64, decr stops at 0). When the key is missing
    /// and `autoCreate` is given, the item is created with that initial value (meta `N`/`J`).
    public func arithmetic(
        _ key: ByteBuffer, delta: UInt64, increment: Bool, compareCAS: UInt64? = nil,
        autoCreate: (initial: UInt64, expiresAt: Int64)? = nil, newExpiresAt: Int64? = nil
    ) -> ArithmeticOutcome { fatalError("storage helper") }

    /// Updates the expiry; false when missing.
    public func touch(_ key: ByteBuffer, expiresAt: Int64) -> Bool { fatalError("storage helper") }

    /// flush_all: with `at == nil` or in the past, every item is invalid at once; otherwise every
    /// item stored up to that moment becomes invalid when the clock reaches it.
    public func flushAll(at: Int64?) { fatalError("storage helper") }

    /// Removes up to `maxItems` expired items (the background sweep calls this periodically).
    @discardableResult
    public func sweepExpired(maxItems: Int) -> Int { fatalError("storage helper") }

    public func stats() -> StoreStats { fatalError("storage helper") }
    public func resetStats() { fatalError("storage helper") }

    /// The vnode a key falls in (VnodeHash over the key bytes).
    public func vnode(of key: ByteBuffer) -> Int { fatalError("storage helper") }
    public func itemCount(inVnode vnode: Int) -> Int { fatalError("storage helper") }
    /// Drops every item of one vnode in time proportional to that vnode's item count.
    public func dropVnode(_ vnode: Int) { fatalError("storage helper") }
}
