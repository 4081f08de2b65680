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
    /// A transfer target whose catching up is still to be reported (`.transferTargetCaughtUp`).
    var isCatchUpUnreported = false
    /// When `.rebuildRequired` was last reported; asked again if no transfer began in time.
    var rebuildReportedAt: ClusterInstant?
    /// After a connection reset: the replica's next ack says what it holds, whatever its value.
    var isAwaitingFirstAck = false
    /// When a table listed this secondary while the primary knew nothing of it. A listed copy
    /// says what it holds (its `replicaHello`); one that stays silent this long is sent the log
    /// from its start, which asks for a rebuild when the log no longer reaches back that far.
    var listedUnheardSince: ClusterInstant?
    /// When a repeated ack last sent the replica back to its gap (rate limit).
    var wentBackAt: ClusterInstant?

    init(isSecondary: Bool, acknowledgedThrough: UInt64, isDown: Bool = false) {
        self.isSecondary = isSecondary
        self.isDown = isDown
        self.acknowledgedThrough = acknowledgedThrough
        self.sentThrough = acknowledgedThrough
    }

    /// Counted by the write-ack policy: a listed secondary, or a transfer target that acked its
    /// snapshot. The target counts before the epoch bump lists it because that bump may make it
    /// the primary: a write acknowledged without it would be missing there (found by the cluster
    /// simulation). Members that are neither are not tracked at all.
    var isEligible: Bool { !isDown && pendingUntilSequence == nil && !isAwaitingFirstAck }
}
