import NIOCore
import RondoCluster
import RondoStorage

/// The truth the simulation checks replicas against: every change the primary numbered, per key,
/// so the state of any key at any sequence number is known.
struct SimulatedWriteModel {
    let keys: [ByteBuffer]
    private var historyByKey: [[(sequence: UInt64, change: ReplicationChange)]]

    init(keys: [ByteBuffer]) {
        self.keys = keys
        historyByKey = Array(repeating: [], count: keys.count)
    }

    mutating func record(sequence: UInt64, keyIndex: Int, change: ReplicationChange) {
        historyByKey[keyIndex].append((sequence, change))
    }

    /// The key's change in force at `sequence`; nil when never written by then.
    func change(ofKey index: Int, at sequence: UInt64) -> ReplicationChange? {
        historyByKey[index].last { $0.sequence <= sequence }?.change
    }

    /// Whether the store's item is exactly the state of the key at `sequence`.
    func store(_ store: ItemStore, matchesKey index: Int, at sequence: UInt64) -> Bool {
        let held = store.peek(keys[index])
        switch change(ofKey: index, at: sequence) {
        case nil, .tombstone?:
            return held == nil
        case .item(let value, let flags, _, let cas, let isStale)?:
            guard let held else { return false }
            return held.value == value && held.flags == flags && held.cas == cas && held.isStale == isStale
        }
    }
}
