/// What `ctl status` prints: members, epoch, migration progress and redundancy.
public struct ClusterStatus: Sendable, Hashable, CustomStringConvertible {
    public let clusterName: String
    public let epoch: UInt64
    /// The epoch the pending membership changes lead to; nil when none are pending.
    public let targetEpoch: UInt64?
    public let nodes: [NodeSummary]
    public let transfersWaiting: Int
    public let transfersInFlight: Int
    public let transfersFailed: Int
    public let transfersCompleted: UInt64
    public let bytesTransferred: UInt64
    public let dropsPending: Int
    public let underReplicatedVnodes: Int
    public let transferLimits: TransferLimits

    public var description: String {
        var lines = [
            "cluster \(clusterName), epoch \(epoch)"
                + (targetEpoch.map { ", moving to epoch \($0)" } ?? ""),
            "transfers: \(transfersWaiting) waiting, \(transfersInFlight) in flight, \(transfersFailed) failed, "
                + "\(transfersCompleted) done (\(bytesTransferred) bytes); drops pending \(dropsPending)",
            "under-replicated vnodes: \(underReplicatedVnodes); limits: \(transferLimits)",
        ]
        lines += nodes.map(\.description)
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object([
            ("cluster", .string(clusterName)),
            ("epoch", .unsigned(epoch)),
            ("targetEpoch", targetEpoch.map { .unsigned($0) } ?? .null),
            ("transfersWaiting", .integer(Int64(transfersWaiting))),
            ("transfersInFlight", .integer(Int64(transfersInFlight))),
            ("transfersFailed", .integer(Int64(transfersFailed))),
            ("transfersCompleted", .unsigned(transfersCompleted)),
            ("bytesTransferred", .unsigned(bytesTransferred)),
            ("dropsPending", .integer(Int64(dropsPending))),
            ("underReplicatedVnodes", .integer(Int64(underReplicatedVnodes))),
            ("nodes", .array(nodes.map(\.json))),
        ])
    }
}
