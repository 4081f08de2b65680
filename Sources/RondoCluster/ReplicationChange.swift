import NIOCore
import RondoStorage

/// What a write left behind under a key: the whole item, or nothing. Replication carries states,
/// not commands, so applying the same change twice, or replaying a run of changes over a copy that
/// already holds some of them, ends in the same item.
public enum ReplicationChange: Sendable, Equatable {
    /// `expiresAt` is absolute Unix seconds (0 = never); `cas` is the primary's CAS, kept by replicas.
    case item(value: ByteBuffer, flags: UInt32, expiresAt: Int64, cas: UInt64, isStale: Bool)
    /// The key is gone. `cas` is the CAS the deleted item had when the primary knew it; replicas
    /// delete unconditionally (order comes from sequence numbers), the CAS helps diagnostics.
    case tombstone(cas: UInt64?)

    /// The state `ItemStore.peek` reports after a write: the item, or a tombstone when it is gone.
    public init(capturing item: ExportedItem?, deletedCAS: UInt64? = nil) {
        guard let item else {
            self = .tombstone(cas: deletedCAS)
            return
        }
        self = .item(value: item.value, flags: item.flags, expiresAt: item.expiresAt, cas: item.cas, isStale: item.isStale)
    }

    /// Bytes the change occupies in memory and on the wire, beyond the key: what the log and batch
    /// caps count.
    var payloadBytes: Int {
        switch self {
        case .item(let value, _, _, _, _): return value.readableBytes + ReplicationEntryEncoding.itemHeaderBytes
        case .tombstone: return ReplicationEntryEncoding.tombstoneBytesMax
        }
    }
}
