import NIOCore
import RondoStorage

/// One numbered change of one vnode: the unit the primary logs, replicas apply in order and
/// transfers replay. Sequence numbers start at 1 per vnode; 0 means "nothing applied yet".
public struct ReplicationEntry: Sendable, Equatable {
    public var vnode: Int
    public var sequence: UInt64
    public var key: ByteBuffer
    public var change: ReplicationChange

    public init(vnode: Int, sequence: UInt64, key: ByteBuffer, change: ReplicationChange) {
        self.vnode = vnode
        self.sequence = sequence
        self.key = key
        self.change = change
    }

    /// The item to import for an `.item` change; nil for a tombstone.
    public var exportedItem: ExportedItem? {
        guard case .item(let value, let flags, let expiresAt, let cas, let isStale) = change else { return nil }
        return ExportedItem(key: key, value: value, flags: flags, expiresAt: expiresAt, cas: cas, isStale: isStale)
    }

    /// What the entry costs the log and a batch: key, change and per-entry framing.
    public var encodedBytes: Int {
        ReplicationEntryEncoding.keyHeaderBytes + key.readableBytes + change.payloadBytes
    }
}
