/// What a node's heartbeat tells the coordinator: liveness, the applied sequence of every copy it
/// holds, and its load figures, which the upgrade planner (bytes to move, memory room) and the
/// upgrade's health gate (client error rate) use.
public struct NodeHeartbeat: Sendable, Equatable {
    /// vnode → highest contiguous applied write sequence, for every copy the node holds.
    public var appliedSequences: [Int: UInt64]
    /// vnode → bytes the node stores for it (as the memory limit counts them), for the same vnodes.
    public var vnodeBytes: [Int: UInt64]
    public var memoryLimitBytes: UInt64
    public var memoryUsedBytes: UInt64
    /// Client requests that failed per million over the last window; nil when the owner of the
    /// node (the runtime, which serves the clients) has not measured it. `ClusterNode` leaves it
    /// nil: it never sees a client request.
    public var clientErrorsPerMillion: UInt32?

    public init(
        appliedSequences: [Int: UInt64], vnodeBytes: [Int: UInt64], memoryLimitBytes: UInt64, memoryUsedBytes: UInt64,
        clientErrorsPerMillion: UInt32? = nil
    ) {
        self.appliedSequences = appliedSequences
        self.vnodeBytes = vnodeBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.memoryUsedBytes = memoryUsedBytes
        self.clientErrorsPerMillion = clientErrorsPerMillion
    }
}
