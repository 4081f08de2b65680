/// Where clients (memcached protocol) and peers (peer protocol) reach a member. Sent with every
/// routing table so a node can turn a `MemberID` into a connection.
public struct MemberAddresses: Sendable, Hashable, CustomStringConvertible {
    public var client: NodeAddress
    public var peer: NodeAddress

    public init(client: NodeAddress, peer: NodeAddress) {
        self.client = client
        self.peer = peer
    }

    public var description: String { "client \(client), peer \(peer)" }
}
