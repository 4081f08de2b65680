import NIOCore
import RondoStorage

/// What a write can change of one key, as far as replication is concerned: whether it exists,
/// its CAS unique (bumped by every value change), and its expiry (`touch` and `gat` change only
/// that). A local write whose keys all keep their fingerprint changed nothing (a failed `add`, a
/// `cas` mismatch, a delete of a missing key) and is answered without waiting for replicas.
struct ItemFingerprint: Equatable {
    var cas: UInt64
    var expiresAt: Int64
    var flags: UInt32

    init(cas: UInt64, expiresAt: Int64, flags: UInt32) {
        self.cas = cas
        self.expiresAt = expiresAt
        self.flags = flags
    }

    init(_ item: ExportedItem) {
        self.init(cas: item.cas, expiresAt: item.expiresAt, flags: item.flags)
    }

    /// The key's fingerprint in `store` now; nil when the key is missing, expired or flushed.
    static func of(_ key: ByteBuffer, in store: ItemStore) -> ItemFingerprint? {
        store.peek(key).map(ItemFingerprint.init)
    }
}
