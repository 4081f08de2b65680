import NIOCore
import RondoPeer
import RondoStorage

/// Streams one vnode's items (`ItemStore.exportVnode`) to a target as `TransferBatch`es (LZ4 on
/// the wire unless configured otherwise) while writes keep flowing. The export is fuzzy: items changed meanwhile may appear in
/// their old or new state; the target repairs that by replaying every replication entry after
/// `snapshotSequence`, the primary's sequence when the transfer began (`beginTransfer`), which
/// the last batch carries.
///
/// Guarantees: every item present for the whole transfer is sent; a batch's body stays within
/// `batchBytesMax` unless one item alone is larger; batch indices count up from 0; sending stays
/// within the shared throttle's rate.
public struct VnodeTransferSource: Sendable {
    private enum State {
        case streaming(cursor: VnodeExportCursor?, exhausted: Bool)
        case finished
    }

    public let vnode: Int
    public let snapshotSequence: UInt64
    public let configuration: TransferSourceConfiguration
    private let store: ItemStore
    private var state = State.streaming(cursor: nil, exhausted: false)
    /// Items exported but not yet sent: what did not fit the previous batch.
    private var carried: [ExportedItem] = []
    public private(set) var nextBatchIndex: UInt64 = 0
    public private(set) var itemsSent = 0
    public private(set) var bodyBytesSent = 0

    public init(vnode: Int, store: ItemStore, snapshotSequence: UInt64, configuration: TransferSourceConfiguration = TransferSourceConfiguration()) {
        self.vnode = vnode
        self.store = store
        self.snapshotSequence = snapshotSequence
        self.configuration = configuration
    }

    /// The next batch when the throttle allows, counted against it.
    public mutating func nextBatch(now: ClusterInstant, throttle: inout TransferThrottle) -> TransferSourceAction {
        guard case .streaming = state else { return .finished }
        let sendableAt = throttle.sendableAt(now: now)
        guard sendableAt <= now else { return .waitUntil(sendableAt) }
        let (items, isLast) = fillBatch()
        let body = TransferBody(vnode: vnode, items: items, snapshotSequence: isLast ? snapshotSequence : nil)
        let batch = TransferBatch(batchIndex: nextBatchIndex, body: body, isLast: isLast, compression: configuration.compression)
        nextBatchIndex += 1
        itemsSent += items.count
        bodyBytesSent += batch.items.readableBytes
        throttle.consume(bytes: batch.items.readableBytes, now: now)
        if isLast { state = .finished }
        return .send(batch)
    }

    private mutating func fillBatch() -> (items: [ExportedItem], isLast: Bool) {
        var items: [ExportedItem] = []
        var bytes = 0
        var steps = 0
        while true {
            while let item = carried.first {
                let itemBytes = Self.encodedBytes(item)
                guard items.isEmpty || bytes + itemBytes <= configuration.batchBytesMax else { return (items, false) }
                items.append(carried.removeFirst())
                bytes += itemBytes
            }
            guard case .streaming(let cursor, let exhausted) = state, !exhausted else { return (items, true) }
            guard steps < configuration.exportStepsPerBatchMax else { return (items, false) }
            steps += 1
            let step = store.exportVnode(vnode, after: cursor, maxItems: configuration.itemsPerExportStepMax)
            carried = step.items
            state = .streaming(cursor: step.next, exhausted: step.next == nil)
        }
    }

    private static func encodedBytes(_ item: ExportedItem) -> Int {
        ReplicationEntryEncoding.keyHeaderBytes + item.key.readableBytes + ReplicationEntryEncoding.itemHeaderBytes
            + item.value.readableBytes
    }
}
