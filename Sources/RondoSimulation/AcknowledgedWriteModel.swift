/// The truth the invariants compare the cluster with. Every write a primary executes gets an
/// apply order (one counter for the whole run, so writes to a key are ordered as the primaries
/// executed them); the model records which of those the clients heard acknowledged.
///
/// A state served for a key is acceptable when some write that leaves that state (a value is
/// unique per write attempt; a miss is left by any delete, or by no write at all) was applied at or
/// after the reference write: the latest acknowledged write of the key (no acknowledged write
/// lost), or the latest one acknowledged to the reading client (no stale read).
struct AcknowledgedWriteModel {
    private struct KeyHistory {
        /// The highest apply order of each value written (a retry may apply it twice).
        var orderByValue: [String: UInt64] = [:]
        var latestDeleteOrder: UInt64 = 0
        /// The acknowledged write with the highest apply order.
        var latestAcknowledgedOrder: UInt64 = 0
    }

    let keyCount: Int
    private var histories: [KeyHistory]
    /// Per client and key, the apply order of the latest write acknowledged to that client.
    private var acknowledgedToClient: [[UInt64]]
    private var nextOrder: UInt64 = 0
    private(set) var acknowledgedWriteCount = 0

    init(keyCount: Int, clientCount: Int) {
        self.keyCount = keyCount
        histories = Array(repeating: KeyHistory(), count: keyCount)
        acknowledgedToClient = Array(repeating: Array(repeating: 0, count: keyCount), count: clientCount)
    }

    /// A primary executed a write; returns its apply order.
    mutating func recordApplied(keyIndex: Int, value: String?) -> UInt64 {
        nextOrder += 1
        if let value {
            histories[keyIndex].orderByValue[value] = nextOrder
        } else {
            histories[keyIndex].latestDeleteOrder = nextOrder
        }
        return nextOrder
    }

    /// The client heard its write (of apply order `order`) succeed.
    mutating func recordAcknowledged(keyIndex: Int, order: UInt64, client: Int) {
        acknowledgedWriteCount += 1
        histories[keyIndex].latestAcknowledgedOrder = max(histories[keyIndex].latestAcknowledgedOrder, order)
        acknowledgedToClient[client][keyIndex] = max(acknowledgedToClient[client][keyIndex], order)
    }

    func latestAcknowledgedOrder(ofKey keyIndex: Int) -> UInt64 {
        histories[keyIndex].latestAcknowledgedOrder
    }

    /// The newest write that leaves `state` under the key; nil for a value never written.
    func newestOrder(leaving state: String?, keyIndex: Int) -> UInt64? {
        guard let state else { return histories[keyIndex].latestDeleteOrder }
        return histories[keyIndex].orderByValue[state]
    }

    /// Nil when `served` is the latest acknowledged state of the key or a later one; otherwise
    /// why not.
    func lostWrite(served: String?, keyIndex: Int) -> String? {
        judge(served: served, keyIndex: keyIndex, reference: histories[keyIndex].latestAcknowledgedOrder, what: "acknowledged write")
    }

    /// Nil when `served` is not older than the latest write acknowledged to `client`.
    func staleRead(served: String?, keyIndex: Int, client: Int) -> String? {
        judge(
            served: served, keyIndex: keyIndex, reference: acknowledgedToClient[client][keyIndex],
            what: "write acknowledged to client \(client)")
    }

    private func judge(served: String?, keyIndex: Int, reference: UInt64, what: String) -> String? {
        guard reference > 0 else { return nil }
        guard let order = newestOrder(leaving: served, keyIndex: keyIndex) else {
            return "key \(keyIndex) holds \(served ?? "nothing"), which no write left"
        }
        guard order >= reference else {
            return "key \(keyIndex) holds \(served.map { "\"\($0)\"" } ?? "nothing") (apply order \(order)), older than the \(what) of order \(reference)"
        }
        return nil
    }
}
