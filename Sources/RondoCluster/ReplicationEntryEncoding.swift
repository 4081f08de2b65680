import NIOCore
import RondoStorage

/// The item bytes inside `ReplicationBatch` and `TransferBatch` bodies (RondoPeer treats them as
/// opaque). All integers big-endian.
///
/// Body header: u8 format version (1), u8 kind (1 replication, 2 transfer), u32 vnode, u32 count;
/// then for replication u64 first sequence (entry `i` has sequence `first + i`), for transfer u8
/// has-snapshot-sequence (0/1) and, when 1, u64 snapshot sequence.
/// Entry: u8 key length (1...250), key; u8 change tag: 1 item, 2 tombstone, 3 tombstone with CAS.
/// Item: u8 stale (0/1), u32 flags, i64 expires-at, u64 CAS, u32 value length, value.
/// Tombstone with CAS: u64 CAS. A decoder rejects anything else, including trailing bytes.
public enum ReplicationEntryEncoding {
    public static let formatVersion: UInt8 = 1
    static let replicationKind: UInt8 = 1
    static let transferKind: UInt8 = 2
    static let keyHeaderBytes = 1
    /// Tag, stale mark, flags, expiry, CAS, value length.
    static let itemHeaderBytes = 1 + 1 + 4 + 8 + 8 + 4
    static let tombstoneBytesMax = 1 + 8
    static let bodyHeaderBytesMax = 1 + 1 + 4 + 4 + 9

    private enum ChangeTag {
        static let item: UInt8 = 1
        static let tombstone: UInt8 = 2
        static let tombstoneWithCAS: UInt8 = 3
    }

    // MARK: Replication bodies

    /// Encodes entries of one vnode with consecutive sequence numbers (the shape of a batch).
    public static func replicationBody(vnode: Int, firstSequence: UInt64, entries: [ReplicationEntry]) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(bodyHeaderBytesMax + entries.reduce(0) { $0 + $1.encodedBytes })
        writeHeader(kind: replicationKind, vnode: vnode, count: entries.count, into: &body)
        body.writeInteger(firstSequence)
        for (offset, entry) in entries.enumerated() {
            precondition(entry.vnode == vnode && entry.sequence == firstSequence + UInt64(offset), "batch entries are consecutive")
            write(key: entry.key, change: entry.change, into: &body)
        }
        return body
    }

    public static func decodeReplicationBody(
        _ body: ByteBuffer, limits: ReplicationEncodingLimits = .default
    ) throws(ReplicationDecodeError) -> (vnode: Int, firstSequence: UInt64, entries: [ReplicationEntry]) {
        var reader = body
        let (vnode, count) = try readHeader(expecting: replicationKind, from: &reader, limits: limits)
        let firstSequence: UInt64 = try read(&reader, "first sequence")
        guard count == 0 || firstSequence <= UInt64.max - UInt64(count - 1) else { throw .sequenceOverflow }
        var entries: [ReplicationEntry] = []
        entries.reserveCapacity(count)
        for offset in 0..<count {
            let (key, change) = try readEntry(from: &reader, limits: limits)
            entries.append(ReplicationEntry(vnode: vnode, sequence: firstSequence + UInt64(offset), key: key, change: change))
        }
        guard reader.readableBytes == 0 else { throw .trailingBytes(reader.readableBytes) }
        return (vnode, firstSequence, entries)
    }

    // MARK: Transfer bodies

    public static func transferBody(_ transfer: TransferBody) -> ByteBuffer {
        var body = ByteBuffer()
        writeHeader(kind: transferKind, vnode: transfer.vnode, count: transfer.items.count, into: &body)
        body.writeInteger(UInt8(transfer.snapshotSequence == nil ? 0 : 1))
        if let snapshotSequence = transfer.snapshotSequence { body.writeInteger(snapshotSequence) }
        for item in transfer.items {
            let change = ReplicationChange.item(
                value: item.value, flags: item.flags, expiresAt: item.expiresAt, cas: item.cas, isStale: item.isStale)
            write(key: item.key, change: change, into: &body)
        }
        return body
    }

    public static func decodeTransferBody(
        _ body: ByteBuffer, limits: ReplicationEncodingLimits = .default
    ) throws(ReplicationDecodeError) -> TransferBody {
        var reader = body
        let (vnode, count) = try readHeader(expecting: transferKind, from: &reader, limits: limits)
        let snapshotSequence: UInt64? = try readBoolean(&reader, "has snapshot sequence") ? try read(&reader, "snapshot sequence") : nil
        var items: [ExportedItem] = []
        items.reserveCapacity(count)
        for _ in 0..<count {
            let (key, change) = try readEntry(from: &reader, limits: limits)
            // A snapshot holds live items only: a tombstone in it is malformed.
            guard case .item(let value, let flags, let expiresAt, let cas, let isStale) = change else {
                throw .unknownChangeTag(ChangeTag.tombstone)
            }
            items.append(ExportedItem(key: key, value: value, flags: flags, expiresAt: expiresAt, cas: cas, isStale: isStale))
        }
        guard reader.readableBytes == 0 else { throw .trailingBytes(reader.readableBytes) }
        return TransferBody(vnode: vnode, items: items, snapshotSequence: snapshotSequence)
    }

    // MARK: Shared pieces

    private static func writeHeader(kind: UInt8, vnode: Int, count: Int, into body: inout ByteBuffer) {
        precondition(vnode >= 0 && vnode <= Int(UInt32.max) && count <= Int(UInt32.max))
        body.writeInteger(formatVersion)
        body.writeInteger(kind)
        body.writeInteger(UInt32(vnode))
        body.writeInteger(UInt32(count))
    }

    private static func readHeader(
        expecting kind: UInt8, from reader: inout ByteBuffer, limits: ReplicationEncodingLimits
    ) throws(ReplicationDecodeError) -> (vnode: Int, count: Int) {
        let version: UInt8 = try read(&reader, "format version")
        guard version == formatVersion else { throw .unsupportedFormatVersion(version) }
        let bodyKind: UInt8 = try read(&reader, "body kind")
        guard bodyKind == kind else { throw .unexpectedBodyKind(bodyKind) }
        let vnode: UInt32 = try read(&reader, "vnode")
        let count: UInt32 = try read(&reader, "entry count")
        guard count <= limits.entriesPerBodyMax else { throw .tooManyEntries(count: count, maximum: limits.entriesPerBodyMax) }
        // Every entry takes at least a key byte, a key length and a tag: a count the bytes cannot
        // hold is rejected before anything is reserved for it.
        guard Int(count) * 3 <= reader.readableBytes else { throw .truncated(field: "entries") }
        return (Int(vnode), Int(count))
    }

    private static func write(key: ByteBuffer, change: ReplicationChange, into body: inout ByteBuffer) {
        precondition(key.readableBytes >= 1 && key.readableBytes <= ReplicationEncodingLimits.keyBytesMax, "key length")
        body.writeInteger(UInt8(key.readableBytes))
        body.writeImmutableBuffer(key)
        switch change {
        case .item(let value, let flags, let expiresAt, let cas, let isStale):
            precondition(value.readableBytes <= Int(UInt32.max), "value length")
            body.writeInteger(ChangeTag.item)
            body.writeInteger(UInt8(isStale ? 1 : 0))
            body.writeInteger(flags)
            body.writeInteger(expiresAt)
            body.writeInteger(cas)
            body.writeInteger(UInt32(value.readableBytes))
            body.writeImmutableBuffer(value)
        case .tombstone(nil):
            body.writeInteger(ChangeTag.tombstone)
        case .tombstone(let cas?):
            body.writeInteger(ChangeTag.tombstoneWithCAS)
            body.writeInteger(cas)
        }
    }

    private static func readEntry(
        from reader: inout ByteBuffer, limits: ReplicationEncodingLimits
    ) throws(ReplicationDecodeError) -> (key: ByteBuffer, change: ReplicationChange) {
        let keyLength = Int(try read(&reader, "key length") as UInt8)
        guard keyLength >= 1 && keyLength <= ReplicationEncodingLimits.keyBytesMax else { throw .invalidKeyLength(keyLength) }
        guard let key = reader.readSlice(length: keyLength) else { throw .truncated(field: "key") }
        let tag: UInt8 = try read(&reader, "change tag")
        switch tag {
        case ChangeTag.item:
            let isStale = try readBoolean(&reader, "stale")
            let flags: UInt32 = try read(&reader, "flags")
            let expiresAt: Int64 = try read(&reader, "expires at")
            let cas: UInt64 = try read(&reader, "cas")
            let valueLength: UInt32 = try read(&reader, "value length")
            guard valueLength <= limits.valueBytesMax else { throw .valueTooLarge(bytes: valueLength, maximum: limits.valueBytesMax) }
            guard let value = reader.readSlice(length: Int(valueLength)) else { throw .truncated(field: "value") }
            return (key, .item(value: value, flags: flags, expiresAt: expiresAt, cas: cas, isStale: isStale))
        case ChangeTag.tombstone:
            return (key, .tombstone(cas: nil))
        case ChangeTag.tombstoneWithCAS:
            return (key, .tombstone(cas: try read(&reader, "tombstone cas")))
        default:
            throw .unknownChangeTag(tag)
        }
    }

    private static func read<Integer: FixedWidthInteger>(
        _ reader: inout ByteBuffer, _ field: String
    ) throws(ReplicationDecodeError) -> Integer {
        guard let value = reader.readInteger(as: Integer.self) else { throw .truncated(field: field) }
        return value
    }

    private static func readBoolean(_ reader: inout ByteBuffer, _ field: String) throws(ReplicationDecodeError) -> Bool {
        let value: UInt8 = try read(&reader, field)
        guard value <= 1 else { throw .invalidBoolean(field: field, value: value) }
        return value == 1
    }
}
