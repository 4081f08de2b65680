/// Where one key of a client request goes, as the node runtime decides it from its routing table.
public enum GatewayRoute: Sendable, Hashable {
    /// This node answers it now: a read on a vnode this node serves, or a write whose vnode primary
    /// is this node (executed through `ClusterRequestRouter.executeLocalWrite`).
    case local
    /// Another member is the vnode's primary: forward the request there and relay its reply.
    case remote(GatewayDestination)
    /// No member can take it now (no routing table yet, vnode without a live primary…). The client
    /// gets `SERVER_ERROR <reason>`.
    case unavailable(reason: String)
}

/// A member to forward requests to, named by its member id as the routing table names it.
public struct GatewayDestination: Sendable, Hashable, CustomStringConvertible {
    public let memberID: String

    public init(memberID: String) {
        self.memberID = memberID
    }

    public var description: String { memberID }
}
