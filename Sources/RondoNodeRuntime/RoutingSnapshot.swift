import NIOCore
import RondoCluster
import RondoCore
import RondoGateway
import RondoNode
import RondoRing

/// What client connections need to route a key without a hop to the cluster loop: the installed
/// table as a `RequestRouter` (with the members this node cannot reach), this node's member number,
/// and the members' addresses. The cluster loop builds a new value whenever the table or
/// reachability changes and publishes it; client loops only read it.
public struct RoutingSnapshot: Sendable {
    /// Nil until the first table is installed.
    public let router: RequestRouter?
    public let members: [MemberID: NodeMember]
    /// The complete `rondo_routing` reply, built once per snapshot.
    public let routingTableReply: ByteBuffer?

    public static let empty = RoutingSnapshot(table: nil, localMember: nil, members: [:], unreachable: [])

    /// `localMember` nil: the coordinator has not named this node yet, so every key goes elsewhere.
    public init(table: RoutingTable?, localMember: MemberID?, members: [MemberID: NodeMember], unreachable: Set<MemberID>) {
        self.members = members
        guard let table else {
            router = nil
            routingTableReply = nil
            return
        }
        // A member number no table uses: before it is named, this node serves nothing itself.
        let local = localMember ?? MemberID(UInt32.max)
        router = RequestRouter(table: table, localMember: local, unreachable: unreachable.subtracting([local]))
        routingTableReply = Self.reply(table: table, members: members).encode()
    }

    public var epoch: UInt64 { router?.table.epoch ?? 0 }

    /// Where a client request for `key` goes.
    public func route(key: ByteBuffer, isWrite: Bool) -> GatewayRoute {
        guard let router else { return .unavailable(reason: "no routing table yet") }
        do {
            switch try router.route(key: key, intent: isWrite ? .write : .read) {
            case .local: return .local
            case .forward(let member): return .remote(Self.destination(of: member))
            }
        } catch {
            return .unavailable(reason: error.description)
        }
    }

    /// The gateway names members by their number, as `rondo_routing` does.
    public static func destination(of member: MemberID) -> GatewayDestination {
        GatewayDestination(memberID: String(member.value))
    }

    public static func member(of destination: GatewayDestination) -> MemberID? {
        UInt32(destination.memberID).map(MemberID.init)
    }

    static func reply(table: RoutingTable, members: [MemberID: NodeMember]) -> RoutingTableReply {
        let nodes = table.members.map(\.id).sorted().compactMap { id -> RoutingTableReply.Node? in
            guard let member = members[id] else { return nil }
            return RoutingTableReply.Node(memberID: String(id.value), host: member.clientHost, clientPort: Int(member.clientPort))
        }
        let vnodes = (0..<table.vnodeCount.value).map { vnode in table.replicas(of: vnode).map { String($0.value) } }
        return RoutingTableReply(epoch: table.epoch, replicas: table.replicaCount, nodes: nodes, vnodes: vnodes)
    }
}
