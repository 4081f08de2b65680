import RondoCore

/// What the primary knows of one replica of its vnode.
struct ReplicaProgress {
    /// In the routing table's replica list (a transfer target is not, until the epoch bump).
    var isSecondary: Bool
    /// Marked down in the node's view: not sent to, not waited for.
    var isDown: Bool
    /// Highest sequence the replica reported holding (cumulative ack).
    var acknowledgedThrough: UInt64
    /// Highest sequence sent; resending starts again from `acknowledgedThrough`.
    var sentThrough: UInt64
    var lastSendAt: ClusterInstant?
    /// While a transfer fills the replica: it counts for no policy until it acks this sequence
    /// (the snapshot's), which it does only once the snapshot is applied.
    var pendingUntilSequence: UInt64?
    var isLagReported = false
    var isRebuildReported = false

    init(isSecondary: Bool, acknowledgedThrough: UInt64) {
        self.isSecondary = isSecondary
        self.isDown = false
        self.acknowledgedThrough = acknowledgedThrough
        self.sentThrough = acknowledgedThrough
    }

    /// Counted by the write-ack policy.
    var isEligible: Bool { isSecondary && !isDown && pendingUntilSequence == nil }
}
