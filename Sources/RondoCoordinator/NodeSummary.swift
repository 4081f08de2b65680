import RondoCore

/// One line of `ctl nodes` / `ctl status`.
public struct NodeSummary: Sendable, Hashable, CustomStringConvertible {
    public let nodeID: NodeID
    public let memberID: UInt32?
    public let state: MembershipState
    public let connected: Bool
    public let version: String
    public let addresses: MemberAddresses
    public let acknowledgedEpoch: UInt64
    /// Replicas assigned in the published table.
    public let replicaCount: Int
    public let primaryCount: Int

    public var description: String {
        let id = memberID.map { "m\($0)" } ?? "-"
        return "\(nodeID) \(id) \(state)\(connected ? "" : " (disconnected)") \(version) \(addresses) "
            + "epoch \(acknowledgedEpoch) primary \(primaryCount) replicas \(replicaCount)"
    }

    public var json: JSONValue {
        .object([
            ("node", .string(nodeID.rawValue)),
            ("member", memberID.map { .unsigned(UInt64($0)) } ?? .null),
            ("state", .string(state.description)),
            ("connected", .bool(connected)),
            ("version", .string(version)),
            ("client", .string(addresses.client.description)),
            ("peer", .string(addresses.peer.description)),
            ("acknowledgedEpoch", .unsigned(acknowledgedEpoch)),
            ("primaries", .integer(Int64(primaryCount))),
            ("replicas", .integer(Int64(replicaCount))),
        ])
    }
}
