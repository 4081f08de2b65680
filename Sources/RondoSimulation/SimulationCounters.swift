/// What a run did, for the closing line of a scenario: enough to see that faults happened and
/// writes got through.
public struct SimulationCounters: Sendable, CustomStringConvertible {
    public var steps = 0
    public var writesAcknowledged = 0
    public var writesFailed = 0
    public var reads = 0
    public var notOwnerRetries = 0
    public var requestsTimedOut = 0
    public var nodeCrashes = 0
    public var coordinatorRestarts = 0
    public var partitions = 0
    public var tablesInstalled = 0
    public var transfersStarted = 0
    public var transfersCompleted = 0
    public var drops = 0
    public var rebuildRequests = 0
    /// Restart orders the nodes carried out (drain, stop, start on the ordered binary).
    public var upgradeRestarts = 0
    /// Client attempts still in flight at a draining node when its drain bound ran out.
    public var drainFailures = 0
    /// Replication batches delivered, by their items' form on the wire (the feature gate).
    public var replicationBatchesPlain = 0
    public var replicationBatchesLZ4 = 0
    /// Replication batches delivered, by the software versions of sender and receiver
    /// (`"0.1.0->0.2.0"`): shows old and new nodes replicating to each other.
    public var replicationBatchesByVersions: [String: Int] = [:]

    public var description: String {
        "steps \(steps), writes acked \(writesAcknowledged) failed \(writesFailed), reads \(reads), notOwner \(notOwnerRetries), "
            + "timeouts \(requestsTimedOut), crashes \(nodeCrashes), coordinator restarts \(coordinatorRestarts), "
            + "partitions \(partitions), tables \(tablesInstalled), transfers \(transfersStarted)/\(transfersCompleted) done, "
            + "drops \(drops), rebuild requests \(rebuildRequests), upgrade restarts \(upgradeRestarts), drain failures \(drainFailures), "
            + "replication batches plain \(replicationBatchesPlain) lz4 \(replicationBatchesLZ4)"
    }
}
