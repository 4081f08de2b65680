import RondoPeer

/// The primary's limits and timers. Every queue is bounded; every wait ends.
public struct ReplicationConfiguration: Sendable, Hashable {
    public var writeAckPolicy: WriteAckPolicy
    /// The catch-up log per vnode: oldest entries go first once either cap is reached (the newest
    /// entry always stays). A replica behind the log is rebuilt by a transfer.
    public var logEntriesMax: Int
    public var logBytesMax: Int
    /// Entries every tracked replica acknowledged that the log keeps anyway (the newest of them);
    /// older acknowledged ones are freed. Entries some replica may still need — not acknowledged
    /// by it yet, a reconnecting replica's, a transfer target's after its snapshot — stay under
    /// the caps above. Without this a primary kept everything its vnode took up to the caps (64
    /// MiB a vnode, outside the store's memory limit: a bulk load doubled a node's memory) and
    /// freed it all at once when it resigned.
    public var logAcknowledgedEntriesKept: Int
    /// One `ReplicationBatch`: at most this many entries and (beyond its first entry) bytes.
    public var batchEntriesMax: Int
    public var batchBytesMax: Int
    /// Entries sent to one replica and not yet acknowledged; sending pauses at the window.
    public var inFlightEntriesMax: Int
    /// Writes waiting for acks; past it new writes are refused (`SERVER_ERROR`).
    public var pendingWritesMax: Int
    /// A replica that has not acked a write this long after it was made is reported lagging.
    public var lagReportAfterMilliseconds: Int64
    /// A write not acknowledged per policy this long after it was made fails.
    public var writeTimeoutMilliseconds: Int64
    /// Unacknowledged entries are sent again after this long (acks or batches may be lost).
    public var retransmitAfterMilliseconds: Int64
    /// How batches carry their items. `.lz4` needs every receiver to offer
    /// `replication.lz4-batches`; a `ClusterNode` therefore overrides it from the cluster's
    /// feature gate (`FeatureGate`) and the value configured here only matters to direct users of
    /// `VnodePrimaryReplicator`.
    public var batchCompression: ItemsCompression

    public init(
        writeAckPolicy: WriteAckPolicy = .all, logEntriesMax: Int = 100_000, logBytesMax: Int = 64 << 20,
        logAcknowledgedEntriesKept: Int = 256,
        batchEntriesMax: Int = 256, batchBytesMax: Int = 256 << 10, inFlightEntriesMax: Int = 4096,
        pendingWritesMax: Int = 10_000, lagReportAfterMilliseconds: Int64 = 1000,
        writeTimeoutMilliseconds: Int64 = 5000, retransmitAfterMilliseconds: Int64 = 200,
        batchCompression: ItemsCompression = .none
    ) {
        precondition(logEntriesMax >= 1 && logBytesMax >= 1 && batchEntriesMax >= 1 && batchBytesMax >= 1)
        precondition(logAcknowledgedEntriesKept >= 0)
        precondition(inFlightEntriesMax >= batchEntriesMax && pendingWritesMax >= 1)
        precondition(lagReportAfterMilliseconds >= 1 && writeTimeoutMilliseconds >= lagReportAfterMilliseconds)
        precondition(retransmitAfterMilliseconds >= 1)
        self.writeAckPolicy = writeAckPolicy
        self.logEntriesMax = logEntriesMax
        self.logBytesMax = logBytesMax
        self.logAcknowledgedEntriesKept = logAcknowledgedEntriesKept
        self.batchEntriesMax = batchEntriesMax
        self.batchBytesMax = batchBytesMax
        self.inFlightEntriesMax = inFlightEntriesMax
        self.pendingWritesMax = pendingWritesMax
        self.lagReportAfterMilliseconds = lagReportAfterMilliseconds
        self.writeTimeoutMilliseconds = writeTimeoutMilliseconds
        self.retransmitAfterMilliseconds = retransmitAfterMilliseconds
        self.batchCompression = batchCompression
    }
}
