import NIOCore

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
