import RondoCore

/// One batch of an upgrade plan: the nodes restarted together, what leaves them at release (it
/// comes back at return, so placement ends as it began) and the capacity check.
public struct UpgradeBatchPlan: Sendable, Hashable {
    public let nodes: [NodeID]
    public let departures: [VnodeDeparture]
    /// Bytes copied at release (the return copies as much back); nil when a size is unknown.
    public let releaseBytes: UInt64?
    /// Copies whose vnode size nobody reported.
    public let unknownSizeCopies: Int
    /// Fewest complete copies any vnode has during this batch (release, restart, return).
    public let lowestReplicaCount: Int
    /// Active nodes left while the batch is out.
    public let remainingActiveNodes: Int
    public let memory: [MemoryCheck]

    public var copyCount: Int { departures.reduce(0) { $0 + $1.to.count } }

    public var json: JSONValue {
        .object([
            ("nodes", .array(nodes.map { .string($0.rawValue) })),
            ("copies", .integer(Int64(copyCount))),
            ("releaseBytes", releaseBytes.map { .unsigned($0) } ?? .null),
            ("unknownSizeCopies", .integer(Int64(unknownSizeCopies))),
            ("lowestReplicaCount", .integer(Int64(lowestReplicaCount))),
            ("remainingActiveNodes", .integer(Int64(remainingActiveNodes))),
            ("memory", .array(memory.map(\.json))),
            ("departures", .array(departures.map(\.json))),
        ])
    }
}
