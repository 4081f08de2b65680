/// Bounds on what a replica holds back while it waits for a gap to fill.
public struct ReplicaApplierLimits: Sendable, Hashable {
    /// Out-of-order entries kept; later ones are dropped (the primary resends them).
    public var outOfOrderEntriesMax: Int
    public var outOfOrderBytesMax: Int

    public init(outOfOrderEntriesMax: Int = 4096, outOfOrderBytesMax: Int = 16 << 20) {
        precondition(outOfOrderEntriesMax >= 0 && outOfOrderBytesMax >= 0)
        self.outOfOrderEntriesMax = outOfOrderEntriesMax
        self.outOfOrderBytesMax = outOfOrderBytesMax
    }
}
