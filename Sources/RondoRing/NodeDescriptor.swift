/// A node and its failure-domain labels. Placement keeps the replicas of a vnode in distinct zones,
/// then distinct hosts, when the labels allow it while keeping the table balanced.
public struct NodeDescriptor: Sendable, Hashable, CustomStringConvertible {
    public let id: MemberID
    public let zone: String?
    public let host: String?

    public init(id: MemberID, zone: String? = nil, host: String? = nil) {
        self.id = id
        self.zone = zone
        self.host = host
    }

    public var description: String {
        "\(id)(zone: \(zone ?? "-"), host: \(host ?? "-"))"
    }
}
