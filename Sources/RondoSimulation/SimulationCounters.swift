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

    public var description: String {
        "steps \(steps), writes acked \(writesAcknowledged) failed \(writesFailed), reads \(reads), notOwner \(notOwnerRetries), "
            + "timeouts \(requestsTimedOut), crashes \(nodeCrashes), coordinator restarts \(coordinatorRestarts), "
            + "partitions \(partitions), tables \(tablesInstalled), transfers \(transfersStarted)/\(transfersCompleted) done, "
            + "drops \(drops), rebuild requests \(rebuildRequests), upgrade restarts \(upgradeRestarts), drain failures \(drainFailures)"
    }
}
