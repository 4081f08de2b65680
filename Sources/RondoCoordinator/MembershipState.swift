/// Where a node stands in the cluster, as the coordinator sees it.
public enum MembershipState: Sendable, Hashable, CustomStringConvertible {
    /// Said hello, not (yet) asked to join: known, holds no `MemberID`'s share of data.
    case candidate
    /// Asked to join: its copies are being made; it enters the published table when they are done.
    case joining
    /// In the published table and taking its share.
    case active
    /// Released (ROMA's release): its vnodes move off while it keeps running. `released` turns
    /// true once the published table assigns it nothing and it has dropped every copy, which is
    /// when `leave` is allowed.
    case draining(released: Bool)
    /// Silent past `downAfter`: out of the table; if it comes back it rejoins empty.
    case down
    /// Removed for good. Its `MemberID` is never given to another node.
    case left

    /// Whether the node takes part (heartbeats are expected from it).
    public var isLive: Bool {
        switch self {
        case .candidate, .joining, .active, .draining: return true
        case .down, .left: return false
        }
    }

    public var description: String {
        switch self {
        case .candidate: return "candidate"
        case .joining: return "joining"
        case .active: return "active"
        case .draining(let released): return released ? "released" : "draining"
        case .down: return "down"
        case .left: return "left"
        }
    }
}
