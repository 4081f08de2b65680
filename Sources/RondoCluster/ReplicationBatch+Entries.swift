import NIOCore
import RondoPeer

extension ReplicationBatch {
    /// A batch carrying `entries`: one vnode, consecutive sequence numbers, at least one entry.
    public init(entries: [ReplicationEntry], compression: ItemsCompression = .none) {
        precondition(!entries.isEmpty, "a replication batch carries at least one entry")
        let vnode = entries[0].vnode
        let firstSequence = entries[0].sequence
        let body = ReplicationEntryEncoding.replicationBody(vnode: vnode, firstSequence: firstSequence, entries: entries)
        self.init(
            vnode: UInt32(vnode), firstSequence: firstSequence, itemCount: UInt32(entries.count), items: body,
            compression: compression)
    }

    /// The entries of the body, checked against the frame's vnode, first sequence and count.
    public func decodedEntries(limits: ReplicationEncodingLimits = .default) throws(ReplicationDecodeError) -> [ReplicationEntry] {
        let body = try ReplicationEntryEncoding.decodeReplicationBody(items, limits: limits)
        guard body.vnode == Int(vnode) else { throw .mismatch(field: "vnode", frame: UInt64(vnode), body: UInt64(body.vnode)) }
        guard body.firstSequence == firstSequence else {
            throw .mismatch(field: "first sequence", frame: firstSequence, body: body.firstSequence)
        }
        guard body.entries.count == Int(itemCount) else {
            throw .mismatch(field: "item count", frame: UInt64(itemCount), body: UInt64(body.entries.count))
        }
        return body.entries
    }
}
