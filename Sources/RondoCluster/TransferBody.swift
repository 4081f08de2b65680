import RondoStorage

/// The decoded body of one `TransferBatch`: a slice of a vnode's snapshot. The last batch of a
/// transfer carries `snapshotSequence`, the primary's sequence number when the snapshot started:
/// the target holds every change up to it once the snapshot is applied.
public struct TransferBody: Sendable {
    public var vnode: Int
    public var items: [ExportedItem]
    public var snapshotSequence: UInt64?

    public init(vnode: Int, items: [ExportedItem], snapshotSequence: UInt64?) {
        self.vnode = vnode
        self.items = items
        self.snapshotSequence = snapshotSequence
    }
}
