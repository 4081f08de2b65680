import NIOCore

/// One item as replication and vnode migration carry it. `value` is the plain (decompressed)
/// value, so the receiving node applies its own compression setting.
public struct ExportedItem: Sendable {
    public var key: ByteBuffer
    public var value: ByteBuffer
    public var flags: UInt32
    /// Absolute Unix seconds; 0 = never.
    public var expiresAt: Int64
    public var cas: UInt64
    public var isStale: Bool

    public init(key: ByteBuffer, value: ByteBuffer, flags: UInt32, expiresAt: Int64, cas: UInt64, isStale: Bool = false) {
        self.key = key
        self.value = value
        self.flags = flags
        self.expiresAt = expiresAt
        self.cas = cas
        self.isStale = isStale
    }
}
