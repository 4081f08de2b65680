import RondoPeer
import RondoStorage

/// A replica's side of one vnode's replication: applies entries to the store strictly in sequence
/// order, holds a bounded number of early ones, and answers every batch with the highest
/// contiguous sequence applied, or with a catch-up request when a gap is open.
///
/// Guarantees: entry `n` is applied only right after entry `n - 1` (`appliedThrough` grows by one
/// per applied entry); an entry at or below `appliedThrough` is ignored (duplicates are harmless);
/// at most `outOfOrderEntriesMax` entries / `outOfOrderBytesMax` bytes wait.
public struct VnodeReplicaApplier: Sendable {
    private enum State {
        /// Every received entry up to `appliedThrough` is applied; none waits.
        case inOrder
        /// Entries after a gap wait in `early`; the gap starts at `appliedThrough + 1`.
        case gap
    }

    public let vnode: Int
    public let limits: ReplicaApplierLimits
    private let store: ItemStore
    private var state = State.inOrder
    public private(set) var appliedThrough: UInt64
    private var early: [UInt64: ReplicationEntry] = [:]
    private var earlyBytes = 0

    /// `appliedThrough`: what the store already holds of this vnode (0 for an empty one; a
    /// transfer target starts from the snapshot sequence).
    public init(vnode: Int, store: ItemStore, appliedThrough: UInt64 = 0, limits: ReplicaApplierLimits = ReplicaApplierLimits()) {
        self.vnode = vnode
        self.store = store
        self.appliedThrough = appliedThrough
        self.limits = limits
    }

    public var waitingEntryCount: Int { early.count }

    /// A decoded batch from the primary.
    public mutating func receive(_ batch: ReplicationBatch, limits: ReplicationEncodingLimits = .default)
        throws(ReplicationDecodeError) -> [ReplicaAction]
    {
        receive(try batch.decodedEntries(limits: limits))
    }

    /// Entries in any order, with gaps and duplicates; ends with one ack or catch-up request.
    public mutating func receive(_ entries: [ReplicationEntry]) -> [ReplicaAction] {
        var actions: [ReplicaAction] = []
        for entry in entries where entry.vnode == vnode && entry.sequence > appliedThrough {
            if entry.sequence == appliedThrough + 1 {
                guard apply(entry, into: &actions) else { break }
                applyWaitingEntries(into: &actions)
            } else {
                hold(entry)
            }
        }
        state = early.isEmpty ? .inOrder : .gap
        switch state {
        case .inOrder: actions.append(.acknowledge(vnode: vnode, through: appliedThrough))
        case .gap: actions.append(.requestCatchUp(vnode: vnode, from: appliedThrough + 1))
        }
        return actions
    }

    private mutating func hold(_ entry: ReplicationEntry) {
        guard early[entry.sequence] == nil, early.count < limits.outOfOrderEntriesMax,
            earlyBytes + entry.encodedBytes <= limits.outOfOrderBytesMax
        else { return }
        early[entry.sequence] = entry
        earlyBytes += entry.encodedBytes
    }

    private mutating func applyWaitingEntries(into actions: inout [ReplicaAction]) {
        while let next = early.removeValue(forKey: appliedThrough + 1) {
            earlyBytes -= next.encodedBytes
            guard apply(next, into: &actions) else { return }
        }
    }

    /// Applies the next entry; false (and an `applyFailed` action) when the store refuses it.
    private mutating func apply(_ entry: ReplicationEntry, into actions: inout [ReplicaAction]) -> Bool {
        precondition(entry.sequence == appliedThrough + 1, "entries apply in sequence order")
        if let item = entry.exportedItem {
            let outcome = store.importItem(item)
            guard case .stored = outcome else {
                actions.append(.applyFailed(vnode: vnode, sequence: entry.sequence, outcome: outcome))
                return false
            }
        } else {
            _ = store.delete(entry.key)
        }
        appliedThrough = entry.sequence
        return true
    }
}
