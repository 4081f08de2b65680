import RondoRing

/// Where one request (or one group of a multi-key get) goes.
public enum RouteDecision: Sendable, Hashable {
    /// This node serves it.
    case local
    /// Forward the raw request to this member and relay its reply.
    case forward(to: MemberID)
}

/// Writes must reach the primary; reads may fall back to another replica while it is unreachable.
public enum RequestIntent: Sendable, Hashable {
    case read
    case write
}
