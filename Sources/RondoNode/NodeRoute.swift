import RondoCluster
import RondoCore
import RondoRing

/// Where a client request goes, from the node's own table.
public enum NodeRoute: Sendable, Equatable {
    case local(vnode: Int)
    case forward(vnode: Int, to: NodeID)
}

/// Why a request could not be routed.
public enum NodeRoutingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No table installed yet: the client should retry (`notOwner(epoch: 0)`).
    case noTable
    /// The table names a member the directory has no node for.
    case noAddress(MemberID)
    case routing(RoutingError)

    public var description: String {
        switch self {
        case .noTable: return "no routing table installed"
        case .noAddress(let member): return "no address for \(member)"
        case .routing(let error): return error.description
        }
    }
}
