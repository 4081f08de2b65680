import RondoPeer
import RondoStorage

/// The receiving side of a vnode transfer. From the transfer's start the primary also sends this
/// member the vnode's new replication entries (it is a pending replica); they wait, bounded, until
/// the snapshot is in. After the last batch the target applies the waiting entries newer than the
/// snapshot sequence in order, reports `.caughtUp`, and from then on is an ordinary replica.
///
/// Guarantees: the vnode starts empty on this store (whatever an earlier copy left is dropped);
/// batches apply in index order, else the transfer fails with a typed error; once caught up, the
/// store holds the primary's state at the reported sequence (the fuzzy snapshot plus the replay of
/// every entry after the snapshot sequence); no entry is acknowledged before the snapshot is in.
public struct VnodeTransferTarget: Sendable {
    private enum State {
        case receivingSnapshot(nextBatchIndex: UInt64)
        case replicating(VnodeReplicaApplier)
    }

    public let vnode: Int
    private let store: ItemStore
    private let limits: ReplicaApplierLimits
    private let encodingLimits: ReplicationEncodingLimits
    private var state = State.receivingSnapshot(nextBatchIndex: 0)
    /// Replication entries that arrived during the snapshot by sequence (the primary resends while
    /// no ack comes), bounded like an applier's early ones.
    private var waiting: [UInt64: ReplicationEntry] = [:]
    private var waitingBytes = 0

    /// Drops whatever the store holds of the vnode: the snapshot replaces it.
    public init(
        vnode: Int, store: ItemStore, limits: ReplicaApplierLimits = ReplicaApplierLimits(),
        encodingLimits: ReplicationEncodingLimits = .default
    ) {
        self.vnode = vnode
        self.store = store
        self.limits = limits
        self.encodingLimits = encodingLimits
        store.dropVnode(vnode)
    }

    public var isCaughtUp: Bool {
        if case .replicating = state { return true }
        return false
    }

    /// The applied sequence once caught up.
    public var appliedThrough: UInt64? {
        if case .replicating(let applier) = state { return applier.appliedThrough }
        return nil
    }

    /// The replica this target became, once caught up: the caller may keep it instead of the target.
    public var replicaApplier: VnodeReplicaApplier? {
        if case .replicating(let applier) = state { return applier }
        return nil
    }

    public mutating func receive(_ batch: TransferBatch) throws(TransferError) -> [ReplicaAction] {
        guard case .receivingSnapshot(let expectedIndex) = state else { throw .snapshotAlreadyComplete }
        guard Int(batch.vnode) == vnode else { throw .wrongVnode(expected: vnode, received: Int(batch.vnode)) }
        let index = try batch.batchIndex()
        guard index == expectedIndex else { throw .batchOutOfOrder(expected: expectedIndex, received: index) }
        let body = try batch.decodedBody(limits: encodingLimits)
        for item in body.items {
            let outcome = store.importItem(item)
            guard case .stored = outcome else { throw .importFailed(outcome) }
        }
        guard batch.isLast else {
            state = .receivingSnapshot(nextBatchIndex: expectedIndex + 1)
            return []
        }
        guard let snapshotSequence = body.snapshotSequence else { throw .missingSnapshotSequence }
        return finishSnapshot(at: snapshotSequence)
    }

    /// Replication entries from the primary: held during the snapshot, applied after.
    public mutating func receive(_ entries: [ReplicationEntry]) -> [ReplicaAction] {
        switch state {
        case .receivingSnapshot:
            for entry in entries where entry.vnode == vnode && waiting[entry.sequence] == nil {
                guard waiting.count < limits.outOfOrderEntriesMax,
                    waitingBytes + entry.encodedBytes <= limits.outOfOrderBytesMax
                else { break }
                waiting[entry.sequence] = entry
                waitingBytes += entry.encodedBytes
            }
            return []
        case .replicating(var applier):
            let actions = applier.receive(entries)
            state = .replicating(applier)
            return actions
        }
    }

    private mutating func finishSnapshot(at snapshotSequence: UInt64) -> [ReplicaAction] {
        var applier = VnodeReplicaApplier(vnode: vnode, store: store, appliedThrough: snapshotSequence, limits: limits)
        // The applier orders, deduplicates and drops entries at or below the snapshot; entries lost
        // to the bound show up as a gap it asks the primary to fill from its log.
        var actions = applier.receive(waiting.values.sorted { $0.sequence < $1.sequence })
        waiting = [:]
        waitingBytes = 0
        actions.insert(.caughtUp(vnode: vnode, sequence: applier.appliedThrough), at: 0)
        state = .replicating(applier)
        return actions
    }
}
