import RondoCluster

/// The limits and intervals one `ClusterNode` runs with. Every queue the node keeps is bounded
/// here.
public struct ClusterNodeConfiguration: Sendable {
    public var replication: ReplicationConfiguration
    public var transferSource: TransferSourceConfiguration
    public var heartbeatIntervalMilliseconds: Int64
    /// A refused hello is repeated after this long.
    public var helloRetryAfterMilliseconds: Int64
    /// Outgoing transfers running at once (`TransferScheduler`).
    public var transferConcurrency: Int
    /// Outgoing transfers waiting for a slot, at most.
    public var transferQueuedMax: Int
    public var transferBytesPerSecond: Int
    public var transferBurstBytes: Int
    /// Batches all outgoing transfers together may send per `tick` or `pumpTransfers` call, at most
    /// (the throttles may allow fewer). A batch is exported and compressed on the node's loop, which
    /// also serves requests: the runtime pumps again shortly after (`transferBatchesMayBeReady`),
    /// letting the loop's I/O in between, so one batch at a time keeps every hold of the loop to
    /// one batch while a fast copy still moves tens of MB/s.
    public var transferBatchesPerPumpMax: Int
    /// Items of dropped copies freed per `tick`, at most: a released node drops every copy it
    /// held at once, and freeing them in one go held its loop (and the shards' locks) for ~3 ms a
    /// vnode, ~0.2 s for a node's share of the demo's data, while its clients' requests waited.
    public var dropItemsPerTickMax: Int
    /// Entries of resigned primaries' catch-up logs freed per `tick`, at most
    /// (`RetiredReplicationLog`).
    public var retiredLogEntriesPerTickMax: Int
    /// Replica hellos from a newer epoch kept until that table is installed, at most.
    public var parkedHellosMax: Int
    /// The newest table epoch an earlier run of this node installed (its `--data-dir`): the
    /// hello reports it until this run installs a table of its own.
    public var previousRunTableEpoch: UInt64?

    public init(
        replication: ReplicationConfiguration = ReplicationConfiguration(),
        transferSource: TransferSourceConfiguration = TransferSourceConfiguration(),
        heartbeatIntervalMilliseconds: Int64 = 500, helloRetryAfterMilliseconds: Int64 = 500, transferConcurrency: Int = 2,
        transferQueuedMax: Int = 4096, transferBytesPerSecond: Int = 1 << 20, transferBurstBytes: Int = 8 << 10,
        transferBatchesPerPumpMax: Int = 1, dropItemsPerTickMax: Int = 256, retiredLogEntriesPerTickMax: Int = 1024,
        parkedHellosMax: Int = 4096,
        previousRunTableEpoch: UInt64? = nil
    ) {
        precondition(heartbeatIntervalMilliseconds >= 1 && helloRetryAfterMilliseconds >= 1)
        precondition(transferConcurrency >= 1 && transferConcurrency <= TransferScheduler.concurrencyMax)
        precondition(transferBytesPerSecond >= 1 && transferBurstBytes >= 1 && transferBatchesPerPumpMax >= 1)
        precondition(transferQueuedMax >= 0 && parkedHellosMax >= 0 && dropItemsPerTickMax >= 1 && retiredLogEntriesPerTickMax >= 1)
        self.replication = replication
        self.transferSource = transferSource
        self.heartbeatIntervalMilliseconds = heartbeatIntervalMilliseconds
        self.helloRetryAfterMilliseconds = helloRetryAfterMilliseconds
        self.transferConcurrency = transferConcurrency
        self.transferQueuedMax = transferQueuedMax
        self.transferBytesPerSecond = transferBytesPerSecond
        self.transferBurstBytes = transferBurstBytes
        self.transferBatchesPerPumpMax = transferBatchesPerPumpMax
        self.dropItemsPerTickMax = dropItemsPerTickMax
        self.retiredLogEntriesPerTickMax = retiredLogEntriesPerTickMax
        self.parkedHellosMax = parkedHellosMax
        self.previousRunTableEpoch = previousRunTableEpoch
    }
}
